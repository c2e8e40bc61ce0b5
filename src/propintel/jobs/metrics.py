"""Prometheus metrics of the jobs: runs by task and outcome, and their duration per task.

Counted where every job runs (``jobs.app._run``: a worker's job and ``run_job_inline`` alike). In
multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, see ``web/metrics.py``) a worker's samples reach
the web processes' ``/metrics`` through the shared directory.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram

JOBS = Counter(
    "propintel_jobs",
    "Jobs run, by task and outcome (ok: returned; failed: raised).",
    ("task", "outcome"),
)
JOB_DURATION = Histogram(
    "propintel_job_duration_seconds",
    "Time a job ran, by task (either outcome).",
    ("task",),
    buckets=(0.05, 0.25, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0),
)


@contextmanager
def counted_job(task: str) -> Iterator[None]:
    """Count one run of ``task`` with its outcome and duration; the exception propagates."""
    started = time.perf_counter()
    outcome = "failed"
    try:
        yield
        outcome = "ok"
    finally:
        JOBS.labels(task, outcome).inc()
        JOB_DURATION.labels(task).observe(time.perf_counter() - started)
