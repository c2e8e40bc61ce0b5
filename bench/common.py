"""Shared benchmark plumbing: a scratch database migrated to head, timing, reporting."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from propintel.config import get_settings
from propintel.db import migrate
from propintel.db.embedded import EmbeddedCluster
from propintel.db.urls import database_url, with_database

T = TypeVar("T")


def server_url() -> str:
    settings = get_settings()
    if settings.uses_embedded_database:
        EmbeddedCluster.from_settings(settings).start()
    return database_url(settings)


BENCH_DATABASE_PREFIX = "propintel_bench"


@contextmanager
def scratch_database(name: str, keep: bool = False) -> Iterator[str]:
    """A new database migrated to head, dropped afterwards unless ``keep``. Only a name starting
    with ``BENCH_DATABASE_PREFIX``: a database of that name is dropped first, and ``--db
    propintel`` would otherwise have replaced the demo database of ``make run``."""
    if not name.startswith(BENCH_DATABASE_PREFIX):
        raise ValueError(
            f"refusing to replace the database {name!r}: benchmarks build (and drop) only "
            f"databases whose name starts with {BENCH_DATABASE_PREFIX!r}"
        )
    server = server_url()
    url = with_database(server, name)
    migrate.drop_database(server, name)
    migrate.ensure_database_exists(url)
    migrate.upgrade(url)
    migrate.set_database_timezone(url)
    try:
        yield url
    finally:
        if not keep:
            migrate.drop_database(server, name)


def timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


@dataclass
class Report:
    """Measurements of one benchmark run; printed as a table and as one JSON line."""

    name: str
    parameters: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, label: str, seconds: float, floor_s: float | None = None, **extra: Any) -> None:
        ratio = round(seconds / floor_s, 2) if floor_s else None
        self.rows.append({"measure": label, "seconds": round(seconds, 3), "ratio": ratio, **extra})

    def print(self) -> None:
        print(f"# {self.name} {json.dumps(self.parameters)} (cpus: {os.cpu_count()})")
        for row in self.rows:
            ratio = f"  ratio {row['ratio']:.2f}x floor" if row["ratio"] is not None else ""
            extra = {k: v for k, v in row.items() if k not in ("measure", "seconds", "ratio")}
            extras = f"  {json.dumps(extra)}" if extra else ""
            print(f"{row['measure']:<44} {row['seconds']:>9.3f} s{ratio}{extras}")
        print("JSON " + json.dumps({"benchmark": self.name, **self.parameters, "rows": self.rows}))
