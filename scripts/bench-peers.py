#!/usr/bin/env python3
"""Helpers of scripts/bench-peers.sh (standard library only).

  suite DIR N            write an N-case single-turn suite (Chinese prompts, `contains` checks)
                         into DIR/phone/bench.yaml
  promptfoo DIR N URL CONC
                         the same N cases as a promptfoo config, DIR/promptfooconfig.yaml
                         (provider openai:chat against URL, `contains` assertions, CONC at once)
  inspect DIR N          the same N cases as an inspect-ai task, DIR/bench_task.py
                         (`includes()` scorer; the model and its base URL come from the command)
  stub [--latency-ms MS] [--workers W] [--capture FILE]
                         an OpenAI-compatible stub on 127.0.0.1, port 0: W processes (default
                         the number of cores) on one port through SO_REUSEPORT, each an asyncio
                         protocol that answers every request after MS milliseconds (default 0)
                         with one fixed answer; prints `listening on http://127.0.0.1:PORT`
                         once all listen; FILE gets the body of the first POST it receives
  raw URL N CONC [BODY]  N chat-completion requests (BODY: a file with the request body, else
                         one like ailevel's), CONC at once over keep-alive connections; prints
                         the wall time in ms
"""

import asyncio
import json
import os
import signal
import socket
import sys
import time

ANSWER = "好的。明天北京的天气晴，最高气温二十五度。"


def prompt(i):
    return f"第{i}个问题：明天北京的天气怎么样？"


def suite(out, n):
    lines = [
        "schema: ailevel.suite/1",
        "title: { zh-CN: 基准, en: Benchmark }",
        "category: phone",
        "cases:",
    ]
    for i in range(n):
        lines += [
            f"  - id: bench.q{i:04d}",
            f"    title: {{ zh-CN: 基准问题{i}, en: Benchmark question {i} }}",
            "    level: L1",
            "    element: perception",
            "    mandatory: false",
            '    clause: "177.3 §5.2"',
            "    turns:",
            f'      - input: {{ text: ["{prompt(i)}"] }}',
            "        expect:",
            "          - contains: [天气]",
        ]
    with open(f"{out}/phone/bench.yaml", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def promptfoo(out, n, url, conc):
    # JSON is YAML, so the config needs no YAML writer.
    config = {
        "description": "ailevel bench-peers",
        "prompts": ["{{question}}"],
        "providers": [
            {
                "id": "openai:chat:bench",
                "config": {"apiBaseUrl": f"{url}/v1", "apiKey": "bench", "temperature": 0},
            }
        ],
        "tests": [
            {"vars": {"question": prompt(i)}, "assert": [{"type": "contains", "value": "天气"}]}
            for i in range(n)
        ],
        "evaluateOptions": {"maxConcurrency": conc, "cache": False, "showProgressBar": False},
    }
    with open(f"{out}/promptfooconfig.yaml", "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=1)


def inspect_task(out, n):
    samples = json.dumps([prompt(i) for i in range(n)], ensure_ascii=False)
    with open(f"{out}/bench_task.py", "w", encoding="utf-8") as f:
        f.write(
            "from inspect_ai import Task, task\n"
            "from inspect_ai.dataset import Sample\n"
            "from inspect_ai.scorer import includes\n"
            "from inspect_ai.solver import generate\n\n\n"
            "@task\n"
            "def bench():\n"
            f"    questions = {samples}\n"
            "    return Task(\n"
            '        dataset=[Sample(input=q, target="天气") for q in questions],\n'
            "        solver=generate(),\n"
            "        scorer=includes(),\n"
            "    )\n"
        )


def completion():
    return json.dumps(
        {
            "id": "bench",
            "object": "chat.completion",
            "created": 0,
            "model": "bench",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": ANSWER},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        },
        ensure_ascii=False,
    ).encode()


def http_response(body):
    return (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


MODELS = http_response(
    json.dumps({"object": "list", "data": [{"id": "bench", "object": "model"}]}).encode()
)


class Stub(asyncio.Protocol):
    """HTTP/1.1 with keep-alive and pipelining, parsed by hand: the stub must cost the clients
    far less than the latency it simulates, which asyncio's streams did not at concurrency 16."""

    def __init__(self, loop, latency, answer, capture):
        self.loop, self.latency, self.answer, self.capture = loop, latency, answer, capture
        self.buf = b""
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data):
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buf[:end].lower()
            length = 0
            at = head.find(b"content-length:")
            if at >= 0:
                length = int(head[at + 15 :].split(b"\r\n", 1)[0])
            if len(self.buf) < end + 4 + length:
                return
            body = self.buf[end + 4 : end + 4 + length]
            self.buf = self.buf[end + 4 + length :]
            if head.startswith(b"get"):
                self.transport.write(MODELS)
                continue
            if self.capture[0]:
                self.save(body)
            if self.latency:
                self.loop.call_later(self.latency, self.reply)
            else:
                self.transport.write(self.answer)

    def reply(self):
        if not self.transport.is_closing():
            self.transport.write(self.answer)

    def save(self, body):
        path, self.capture[0] = self.capture[0], None
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:  # another worker saw a first request too
            return
        with os.fdopen(fd, "wb") as f:
            f.write(body)


def listen(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(1024)
    return sock


def serve(sock, latency_ms, capture, parent):
    loop = asyncio.new_event_loop()
    answer = http_response(completion())
    box = [capture]

    async def run():
        await loop.create_server(
            lambda: Stub(loop, latency_ms / 1000, answer, box), sock=sock
        )
        # A worker outlives no parent: the script stops the stub by its first pid.
        while parent is None or os.getppid() == parent:
            await asyncio.sleep(0.5)

    loop.run_until_complete(run())


def stub(latency_ms, workers, capture):
    first = listen(0)
    port = first.getsockname()[1]
    me = os.getpid()
    children = []
    ready_r, ready_w = os.pipe()
    for _ in range(workers - 1):
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            sock = listen(port)
            os.write(ready_w, b"x")
            os.close(ready_w)
            first.close()
            serve(sock, latency_ms, capture, me)
            os._exit(0)
        children.append(pid)
    os.close(ready_w)
    for _ in children:
        os.read(ready_r, 1)

    def stop(*_):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    serve(first, latency_ms, capture, None)


async def raw(url, n, conc, body_file):
    host, port = url.removeprefix("http://").split(":")
    if body_file:
        with open(body_file, "rb") as f:
            body = f.read()
    else:
        body = json.dumps(
            {
                "model": "bench",
                "messages": [{"role": "user", "content": prompt(1)}],
                "temperature": 0,
            },
            ensure_ascii=False,
        ).encode()
    request = (
        f"POST /v1/chat/completions HTTP/1.1\r\nhost: {host}:{port}\r\n"
        f"content-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
    ).encode() + body
    left = [n]

    async def worker():
        reader, writer = await asyncio.open_connection(host, int(port))
        while left[0] > 0:
            left[0] -= 1
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(l.split(b":", 1)[1])
                for l in head.split(b"\r\n")
                if l.lower().startswith(b"content-length:")
            )
            json.loads(await reader.readexactly(length))
        writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(conc)))
    print(round((time.perf_counter() - t0) * 1000))


def option(argv, name, default):
    return argv[argv.index(name) + 1] if name in argv else default


def main(argv):
    if not argv:
        sys.exit(__doc__)
    if argv[0] == "suite":
        suite(argv[1], int(argv[2]))
    elif argv[0] == "promptfoo":
        promptfoo(argv[1], int(argv[2]), argv[3], int(argv[4]))
    elif argv[0] == "inspect":
        inspect_task(argv[1], int(argv[2]))
    elif argv[0] == "stub":
        latency = int(option(argv, "--latency-ms", 0))
        workers = int(option(argv, "--workers", os.cpu_count() or 1))
        stub(latency, max(1, workers), option(argv, "--capture", None))
    elif argv[0] == "raw":
        asyncio.run(raw(argv[1], int(argv[2]), int(argv[3]), argv[4] if len(argv) > 4 else None))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
