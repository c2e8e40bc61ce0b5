"""Helpers for importer tests. Importers commit through their own connection, so they run
against ``import_url`` (one database per run, emptied before each test: tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import psycopg

from propintel.ingest.registry import importer_for
from propintel.ingest.runs import ImportSummary, run_import

FIXTURES = Path(__file__).parent / "fixtures"
REALDATA = Path(__file__).resolve().parents[1] / "fixtures" / "realdata"


def run(kind: str, path: Path, url: str) -> ImportSummary:
    return run_import(importer_for(kind), path, url, requested_by_label="tests")


def query(url: str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()
