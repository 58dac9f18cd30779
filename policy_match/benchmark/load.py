"""HTTP load from a second process: wrk (Debian's package) when present, else our own client."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LoadResult:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _lua(method: str, body: str | None, headers: dict[str, str]) -> str:
    lines = [f'wrk.method = "{method}"']
    if body is not None:
        lines.append(f"wrk.body = {json.dumps(body)}")
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    # Count non-2xx answers: wrk reports them, but we want them in the result too.
    return "\n".join(lines) + "\n"


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_load(
    *, url: str, seconds: int, concurrency: int, method: str = "GET", body: str | None = None,
    headers: dict[str, str] | None = None,
) -> LoadResult:  # fmt: skip
    """Load `url` for `seconds` at `concurrency` connections; requests/s and latency."""
    headers = {"Content-Type": "application/json", **(headers or {})}
    if shutil.which("wrk") is None:
        return _own_load(url, seconds, concurrency, method, body, headers)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(method, body, headers))
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(concurrency), "-d", f"{seconds}s", "--latency",
         "-s", script.name, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    Path(script.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = int(bad.group(1)) if bad else 0
    if errors:
        failed += sum(int(x) for x in errors.groups())
    return LoadResult(rps, p50, p99, failed)


def _own_load(
    url: str, seconds: int, concurrency: int, method: str, body: str | None, headers: dict[str, str]
) -> LoadResult:
    """Fallback without wrk: `python -m policy_match.benchmark.client` in a second process."""
    spec = json.dumps({"url": url, "seconds": seconds, "concurrency": concurrency,
                       "method": method, "body": body, "headers": headers})  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-m", "policy_match.benchmark.client", spec],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    data = json.loads(out)
    return LoadResult(data["rps"], data["p50_ms"], data["p99_ms"], data["errors"])
