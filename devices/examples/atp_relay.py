#!/usr/bin/env python3
"""A `process` bridge for ailevel: ATP/1 as JSON lines on stdin/stdout, relayed to an ATP/1
HTTP server — an agent on the device reached through `adb forward`, or any other base URL.

Each line on stdin is {"id": n, "method": "GET"|"POST"|"DELETE", "path": "/atp/v1/...",
"body": ...}; each line on stdout is {"id": n, "status": 200, "body": ...}. Diagnostics go to
stderr, which ailevel copies into its log. See docs/protocol.md.

    atp_relay.py --base-url http://127.0.0.1:8700
    atp_relay.py --adb-serial R58M123ABC --device-port 8700   # runs `adb forward` first
"""
import argparse
import json
import subprocess
import sys
import urllib.error
import urllib.request


def forward(serial: str, device_port: int) -> str:
    """Ask adb for a free local port forwarded to the agent's port on the device."""
    out = subprocess.run(
        ["adb", "-s", serial, "forward", "tcp:0", f"tcp:{device_port}"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    return f"http://127.0.0.1:{int(out)}"


def relay(base: str, req: dict, timeout: float) -> dict:
    body = req.get("body")
    data = None if body is None else json.dumps(body).encode("utf-8")
    http = urllib.request.Request(base + req["path"], data=data, method=req["method"])
    http.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(http, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    answer = {"id": req.get("id"), "status": status}
    if raw.strip():
        answer["body"] = json.loads(raw)
    return answer


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base-url")
    p.add_argument("--adb-serial")
    p.add_argument("--device-port", type=int, default=8700)
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--exit-after", type=int, default=0,
                   help="exit after this many answers (tests use it to check restarts)")
    args = p.parse_args()
    base = args.base_url or (args.adb_serial and forward(args.adb_serial, args.device_port))
    if not base:
        p.error("give --base-url or --adb-serial")
    base = base.rstrip("/")
    answered = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            answer = relay(base, req, args.timeout)
        except (OSError, ValueError) as e:
            print(f"relay failed: {e}", file=sys.stderr, flush=True)
            answer = {"id": req.get("id"), "status": 502,
                      "body": {"error": {"code": "bridge", "message": str(e)}}}
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        answered += 1
        if args.exit_after and answered >= args.exit_after:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
