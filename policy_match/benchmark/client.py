"""A small HTTP/1.1 load generator (asyncio, one connection per request like sync gunicorn).

Used by the benchmark only where wrk is not installed. Run as a separate process.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


async def _worker(spec: dict, deadline: float, latencies: list[float], errors: list[int]) -> None:
    parts = urlsplit(spec["url"])
    body = (spec["body"] or "").encode()
    head = [f"{spec['method']} {parts.path or '/'} HTTP/1.1", f"Host: {parts.netloc}",
            "Connection: close", f"Content-Length: {len(body)}"]  # fmt: skip
    head += [f"{k}: {v}" for k, v in spec["headers"].items()]
    request = ("\r\n".join(head) + "\r\n\r\n").encode() + body
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
            writer.write(request)
            data = await reader.read()
            writer.close()
            if not data.startswith(b"HTTP/1.1 2") and not data.startswith(b"HTTP/1.0 2"):
                errors.append(1)
        except OSError:
            errors.append(1)
            continue
        latencies.append(time.perf_counter() - start)


async def _main(spec: dict) -> dict:
    latencies: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    deadline = started + spec["seconds"]
    await asyncio.gather(
        *(_worker(spec, deadline, latencies, errors) for _ in range(spec["concurrency"]))
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    pick = lambda q: latencies[min(int(q * len(latencies)), len(latencies) - 1)] * 1000  # noqa: E731
    return {"rps": len(latencies) / elapsed, "p50_ms": pick(0.5), "p99_ms": pick(0.99),
            "errors": len(errors)}  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_main(json.loads(sys.argv[1])))))
