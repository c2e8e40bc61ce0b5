"""A small run of bench/chat_context.py: it must work end to end, the service must find exactly
the rows of the plain-SQL floor for every question, and only the subscriber's own. No timing
thresholds (the figures: docs/performance.md)."""

from __future__ import annotations

import os
import uuid

import psycopg

from bench import chat_context


def test_chat_context_benchmark_finds_the_floor_s_rows_and_only_its_own() -> None:
    report = chat_context.run(3, 60, 1)
    parameters = report.parameters
    assert parameters["same_rows_as_floor"] is True
    assert parameters["only_own_rows"] is True
    assert parameters["rows_found"] > 0
    measures = [row["measure"].split(":")[0] for row in report.rows]
    assert measures == ["floor", "retrieval", "context"]
    assert all(row["seconds"] > 0 for row in report.rows)


def test_the_isolation_check_can_fail() -> None:
    """``owners`` names whoever owns the rows found: a row of another subscriber shows."""
    with chat_context.scratch_database(f"propintel_bench_chat_check_{os.getpid()}") as url:
        users = chat_context.seed_users(url, 2)
        chat_context.seed_rows(url, users, 2)
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT kb_id FROM subscriber_knowledge_base").fetchall()
        found: list[uuid.UUID] = [row[0] for row in rows]
        assert chat_context.owners(url, found) == set(users)
