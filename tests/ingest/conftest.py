"""Importers commit through their own connection, so each test gets a fresh database copy."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from propintel.db import migrate
from propintel.ingest.registry import importer_for
from propintel.ingest.runs import ImportSummary, run_import
from tests.conftest import fresh_database

FIXTURES = Path(__file__).parent / "fixtures"
REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"


@pytest.fixture
def import_url(server_url: str, template_url: str) -> Iterator[str]:
    name = f"propintel_import_{os.getpid()}"
    url = fresh_database(server_url, template_url, name)
    yield url
    migrate.drop_database(server_url, name)


def run(kind: str, path: Path, url: str) -> ImportSummary:
    return run_import(importer_for(kind), path, url, requested_by_label="tests")


def query(url: str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()
