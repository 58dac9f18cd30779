"""The memory of the processes the benchmark starts (gunicorn's and Celery's workers)."""

from __future__ import annotations

from pathlib import Path


def peak_rss_mb(pid: int) -> float:
    """The most resident memory `pid` has held (VmHWM), in MB; 0 when it has gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0.0
    for line in lines:
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def family_peak_rss_mb(pid: int) -> float:
    """The largest peak of `pid` and its children (a pool's parent and its worker processes)."""
    return max((peak_rss_mb(p) for p in [pid, *children(pid)]), default=0.0)
