"""Prometheus metrics of the web processes: requests by route template and status, latency.

``MetricsMiddleware`` (pure ASGI) counts every HTTP request under the *template* of the route it
matched (``/leads/{lead_id}``, never the raw path: one series per route, not per id); a request no
route matched is counted as ``<unmatched>``. ``/metrics`` itself is served by
``admin/system_pages.py`` (it adds the database's gauges, which this layer cannot read).

Multi-process: with ``PROMETHEUS_MULTIPROC_DIR`` set *before* ``prometheus_client`` is imported,
every process (each uvicorn worker, each job worker) writes its samples to files there and
``exposition_registry()`` merges them (prometheus-client's multiprocess mode). ``propintel run``
prepares that directory with ``prepare_multiprocess_dir`` (emptied at start: the files of a
previous run's processes would otherwise be counted again). Without it, the process's default
registry is exposed.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "<unmatched>"
CONTENT_TYPE = CONTENT_TYPE_LATEST

HTTP_REQUESTS = Counter(
    "propintel_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ("method", "route", "status"),
)
HTTP_DURATION = Histogram(
    "propintel_http_request_duration_seconds",
    "Time to answer an HTTP request (until its last byte is handed to the server).",
    ("method", "route"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def multiprocess_dir() -> Path | None:
    """The shared samples directory when multiprocess mode is on (``PROMETHEUS_MULTIPROC_DIR``)."""
    value = os.environ.get(MULTIPROC_ENV)
    return Path(value) if value else None


def prepare_multiprocess_dir(path: Path) -> Path:
    """Create ``path`` empty (the previous run's sample files removed) for the processes about to
    start; the caller then sets ``PROMETHEUS_MULTIPROC_DIR`` to it in their environment."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def exposition_registry(*extra: Collector) -> CollectorRegistry:
    """A registry for one scrape: every process's samples (multiprocess mode) or this process's
    default registry, plus ``extra`` collectors (gauges read from the database now)."""
    directory = multiprocess_dir()
    registry = CollectorRegistry(auto_describe=False)
    if directory is not None:
        MultiProcessCollector(registry, path=str(directory))
    else:
        registry.register(_Delegate(REGISTRY))
    for collector in extra:
        registry.register(collector)
    return registry


def exposition(*extra: Collector) -> bytes:
    """The Prometheus text format of ``exposition_registry(*extra)``."""
    return generate_latest(exposition_registry(*extra))


class _Delegate(Collector):
    """The default registry's metrics, inside a registry of one scrape."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterable[object]:  # type: ignore[override]
        return self.source.collect()


def route_template(scope: Scope) -> str:
    """The path template of the route that matched (``/leads/{lead_id}``), a mounted app's prefix
    (``/static/{path}``: a mount leaves its prefix in ``root_path``), else ``<unmatched>``."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(template, str) and template:
        return template
    mounted = str(scope.get("root_path", ""))[len(str(scope.get("app_root_path", ""))) :]
    return f"{mounted}/{{path}}" if mounted else UNMATCHED


class MetricsMiddleware:
    """Counts and times each HTTP request under its route template and status.

    Pure ASGI: it reads the routing's ``scope["route"]`` once the app has answered, so it sits
    inside ``HeadAsGetMiddleware`` (which runs HEAD on a copy of the scope, counted as GET). An
    exception that escapes the app is counted as a 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_counting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_counting)
        finally:
            method = scope.get("method", "GET")
            route = route_template(scope)
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_DURATION.labels(method, route).observe(time.perf_counter() - started)


# What the System page shows of the request metrics: per route family over the process lifetime.


@dataclass(frozen=True)
class RouteFamily:
    """Requests of the routes under one prefix (``/api/v1/leads``, ``/admin``...)."""

    family: str
    requests: int
    errors: int  # 5xx answers
    p95_seconds: float | None  # the upper bound of the bucket holding the 95th percentile

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0


def route_family(route: str) -> str:
    """``/api/v1/leads/{lead_id}`` -> ``/api/v1/leads``; ``/admin/users/{id}`` -> ``/admin/users``;
    ``/leads/{lead_id}`` -> ``/leads``."""
    if route == UNMATCHED:
        return route
    parts = [part for part in route.split("/") if part and not part.startswith("{")]
    depth = 3 if parts[:2] == ["api", "v1"] else 2 if parts[:1] == ["admin"] else 1
    return "/" + "/".join(parts[:depth])


def route_families(registry: CollectorRegistry | None = None) -> list[RouteFamily]:
    """Requests, 5xx answers and p95 per route family, from the request metrics (every process's
    in multiprocess mode), busiest first."""
    registry = registry or exposition_registry()
    requests: dict[str, int] = {}
    errors: dict[str, int] = {}
    buckets: dict[str, dict[float, float]] = {}
    for metric in registry.collect():
        for sample in metric.samples:
            if sample.name == "propintel_http_requests_total":
                family = route_family(sample.labels["route"])
                requests[family] = requests.get(family, 0) + int(sample.value)
                if sample.labels["status"].startswith("5"):
                    errors[family] = errors.get(family, 0) + int(sample.value)
            elif sample.name == "propintel_http_request_duration_seconds_bucket":
                family = route_family(sample.labels["route"])
                bound = float(sample.labels["le"])
                per_bound = buckets.setdefault(family, {})
                per_bound[bound] = per_bound.get(bound, 0.0) + sample.value
    rows = [
        RouteFamily(family, count, errors.get(family, 0), _p95(buckets.get(family, {})))
        for family, count in requests.items()
    ]
    return sorted(rows, key=lambda row: (-row.requests, row.family))


def _p95(cumulative: dict[float, float]) -> float | None:
    """The smallest bucket bound under which at least 95% of the observations fell."""
    bounds = sorted(cumulative)
    if not bounds or cumulative[bounds[-1]] == 0:
        return None
    total = cumulative[bounds[-1]]
    return next(bound for bound in bounds if cumulative[bound] >= 0.95 * total)


def samples(registry: CollectorRegistry, name: str) -> Iterator[tuple[dict[str, str], float]]:
    """(labels, value) of every sample called ``name`` (tests and the System page)."""
    for metric in registry.collect():
        for sample in metric.samples:
            if sample.name == name:
                yield dict(sample.labels), sample.value
