"""The API under load: gunicorn (2 sync workers) on the scratch database, loaded by wrk."""

from __future__ import annotations

import json
import os
import shutil
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
from .procs import family_peak_rss_mb

REPO = Path(__file__).resolve().parents[2]
MATCH_PATH = "/api/v1/match/"
BATCH_PATH = "/api/v1/match/batch/"
FLOOR_PATH = "/api/v1/partner/"  # the key's own partner: authentication and nothing else


@dataclass(frozen=True)
class ApiFigures:
    match: LoadResult
    floor: LoadResult
    healthz: LoadResult  # Django's /healthz: the framework with no view work
    hello: LoadResult  # a bare WSGI app under the same gunicorn: the platform
    batch_profiles_per_s: float  # POST /match/batch/ with BATCH profiles
    worker_rss_mb: float
    load_generator: str  # "wrk", or "python" (our own client, sharing the cores)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(
    database_url: str, workers: int = 2, app: str = "config.wsgi"
) -> Iterator[tuple[str, subprocess.Popen]]:
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
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", app,
         "--workers", str(workers), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        # Not a pipe: nobody reads it during the load, and a full pipe would block gunicorn.
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # hello answers any path
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


BATCH = 50  # profiles per batch request


def api_figures(database_url: str, *, seconds: int = 10, concurrency: int = 16) -> ApiFigures:
    partner, _ = Partner.objects.get_or_create(name="benchmark")
    _, key = PartnerAPIKey.objects.create_key(name="benchmark", partner=partner)
    headers = {"Authorization": f"Api-Key {key}", "Accept-Language": "en"}
    body = json.dumps({"as_of": "2026-11-23", **PROFILE})
    profiles = [{"ref": f"b{i}", **PROFILE} for i in range(BATCH)]
    batch = json.dumps({"as_of": "2026-11-23", "profiles": profiles})

    def load(url: str, body: str | None = None, connections: int = concurrency) -> LoadResult:
        method = "GET" if body is None else "POST"
        return run_load(url=url, seconds=seconds, concurrency=connections, method=method,
                        body=body, headers=headers)  # fmt: skip

    with gunicorn(database_url) as (base, process):
        for path, method, data in ((MATCH_PATH, "POST", body), (FLOOR_PATH, "GET", None)):
            run_load(url=base + path, seconds=1, concurrency=2, method=method, body=data,
                     headers=headers)  # fmt: skip  # warm-up: every worker compiles the catalogue
        match = load(base + MATCH_PATH, body)
        floor = load(base + FLOOR_PATH)
        healthz = load(base + "/healthz")
        # Batches take longer each: fewer connections keep the workers busy without queueing.
        batched = load(base + BATCH_PATH, batch, connections=4)
        rss = family_peak_rss_mb(process.pid)  # the arbiter's own is far below its workers'
    with gunicorn(database_url, app="policy_match.benchmark.hello:app") as (base, _process):
        hello = load(base + "/")
    generator = "wrk" if shutil.which("wrk") else "python"
    return ApiFigures(match, floor, healthz, hello, batched.rps * BATCH, rss, generator)
