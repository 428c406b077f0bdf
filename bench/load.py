"""A small, bounded HTTP load generator for loopback benchmarks (standard library only).

Sends every path of a file (one per line) once, with at most `--concurrency` requests in
flight, to a server on 127.0.0.1, and prints JSON: per-request latencies (ms), status codes,
and the wall time. One connection per request, as gunicorn's sync workers close them anyway.

    python bench/load.py --port 8765 --concurrency 2 PATHS_FILE
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time


async def fetch(host: str, port: int, path: str) -> tuple[int, float, int]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n"
        "Connection: close\r\n\r\n".encode("ascii")
    )
    await writer.drain()
    body = await reader.read()  # the server closes the connection after the response
    elapsed = (time.perf_counter() - started) * 1000
    writer.close()
    status = int(body.split(b" ", 2)[1]) if body.startswith(b"HTTP/") else 0
    return status, elapsed, len(body)


async def run(host: str, port: int, paths: list[str], concurrency: int) -> dict:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    received = 0

    async def worker():
        nonlocal received
        while not queue.empty():
            path = queue.get_nowait()
            try:
                status, elapsed, size = await fetch(host, port, path)
            except OSError:
                status, elapsed, size = 0, 0.0, 0
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if status in (200, 204):  # 204: an empty map tile
                latencies.append(elapsed)
                received += size

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    return {
        "latencies_ms": latencies,
        "statuses": statuses,
        "wall_s": wall,
        "bytes": received,
        "concurrency": concurrency,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths_file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("loopback only: this tool is for benchmarks on this machine")
    with open(args.paths_file, encoding="utf-8") as handle:
        paths = [line.strip() for line in handle if line.strip()]
    result = asyncio.run(run(args.host, args.port, paths, args.concurrency))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
