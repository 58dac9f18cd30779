"""The API under load: gunicorn (2 sync workers) on the scratch database, loaded by wrk."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from enterprises.models import Partner, PartnerAPIKey

from .load import LoadResult, run_load
from .measures import PROFILE

REPO = Path(__file__).resolve().parents[2]
MATCH_PATH = "/api/v1/match/"
FLOOR_PATH = "/api/v1/partner/"  # the key's own partner: authentication and nothing else


@dataclass(frozen=True)
class ApiFigures:
    match: LoadResult
    floor: LoadResult
    worker_rss_mb: float


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@contextmanager
def gunicorn(database_url: str, workers: int = 2) -> Iterator[tuple[str, subprocess.Popen]]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "API_THROTTLE_RATE": "100000000/minute",  # measure the service, not the throttle
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "config.wsgi",
         "--workers", str(workers), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        # Not a pipe: nobody reads it during the load, and a full pipe would block gunicorn.
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def api_figures(database_url: str, *, seconds: int = 10, concurrency: int = 16) -> ApiFigures:
    partner, _ = Partner.objects.get_or_create(name="benchmark")
    _, key = PartnerAPIKey.objects.create_key(name="benchmark", partner=partner)
    headers = {"Authorization": f"Api-Key {key}", "Accept-Language": "en"}
    body = json.dumps({"as_of": "2026-11-23", **PROFILE})
    with gunicorn(database_url) as (base, process):
        for path, method, data in ((MATCH_PATH, "POST", body), (FLOOR_PATH, "GET", None)):
            run_load(url=base + path, seconds=1, concurrency=2, method=method, body=data,
                     headers=headers)  # fmt: skip  # warm-up: every worker compiles the catalogue
        match = run_load(url=base + MATCH_PATH, seconds=seconds, concurrency=concurrency,
                         method="POST", body=body, headers=headers)  # fmt: skip
        floor = run_load(url=base + FLOOR_PATH, seconds=seconds, concurrency=concurrency,
                         headers=headers)  # fmt: skip
        rss = max((_rss_mb(pid) for pid in _children(process.pid)), default=0.0)
    return ApiFigures(match, floor, rss)
