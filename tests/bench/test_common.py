"""Benchmarks build and drop only their own databases (bench/common.py)."""

from __future__ import annotations

import psycopg
import pytest
from bench.common import scratch_database


def test_a_database_not_named_as_a_benchmarks_is_never_replaced(import_url: str) -> None:
    name = str(psycopg.conninfo.conninfo_to_dict(import_url)["dbname"])
    with psycopg.connect(import_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE keep_me (n int)")
        try:
            refused = pytest.raises(ValueError, match="refusing to replace the database")
            with refused, scratch_database(name):
                pass
            assert conn.execute("SELECT count(*) FROM keep_me").fetchone() == (0,)
        finally:
            conn.execute("DROP TABLE IF EXISTS keep_me")
