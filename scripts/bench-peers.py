#!/usr/bin/env python3
"""Helpers of scripts/bench-peers.sh (standard library only).

  suite DIR N            write an N-case single-turn suite (Chinese prompts, `contains` checks)
                         into DIR/phone/bench.yaml
  stub [--latency-ms MS] an OpenAI-compatible /v1/chat/completions stub on 127.0.0.1, port 0;
                         prints `listening on http://127.0.0.1:PORT`, answers every request
                         after MS milliseconds (default 0) with one fixed answer
  raw URL N CONC         N chat-completion requests like ailevel's, CONC at once over
                         keep-alive connections; prints the wall time in ms
"""

import asyncio
import json
import sys
import time

ANSWER = "好的。明天北京的天气晴，最高气温二十五度。"


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
            f'      - input: {{ text: ["第{i}个问题：明天北京的天气怎么样？"] }}',
            "        expect:",
            "          - contains: [天气]",
        ]
    with open(f"{out}/phone/bench.yaml", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


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


async def read_request(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    return head


async def stub(latency_ms):
    body = completion()
    response = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )

    async def serve(reader, writer):
        try:
            while True:
                await read_request(reader)
                if latency_ms:
                    await asyncio.sleep(latency_ms / 1000)
                writer.write(response)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


async def raw(url, n, conc):
    host, port = url.removeprefix("http://").split(":")
    body = json.dumps(
        {
            "model": "bench",
            "messages": [{"role": "user", "content": "第1个问题：明天北京的天气怎么样？"}],
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


def main(argv):
    if argv[0] == "suite":
        suite(argv[1], int(argv[2]))
    elif argv[0] == "stub":
        latency = int(argv[2]) if len(argv) > 2 and argv[1] == "--latency-ms" else 0
        asyncio.run(stub(latency))
    elif argv[0] == "raw":
        asyncio.run(raw(argv[1], int(argv[2]), int(argv[3])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
