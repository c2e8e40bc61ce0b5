"""Revision 0003 installs the installed Procrastinate's schema and job_runs, and takes them away."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import psycopg
import pytest
from procrastinate.schema import SchemaManager

from propintel.db import migrate
from propintel.db.urls import libpq_url
from tests.conftest import fresh_database

OBJECTS = """
SELECT 'table ' || relname FROM pg_class
 WHERE relkind = 'r' AND (relname LIKE 'procrastinate%' OR relname = 'job_runs')
UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE proname LIKE 'procrastinate%'
UNION ALL SELECT 'type ' || typname FROM pg_type
 WHERE typname LIKE 'procrastinate%' AND typtype IN ('e', 'c') AND typrelid = 0
    OR typname LIKE 'procrastinate%' AND typtype = 'c'
       AND (SELECT relkind FROM pg_class WHERE oid = typrelid) = 'c'
UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgname LIKE 'procrastinate%'
UNION ALL SELECT 'index ' || relname FROM pg_class WHERE relkind = 'i' AND relname LIKE '%job_runs%'
"""


@pytest.fixture
def scratch_url(server_url: str, template_url: str) -> Iterator[str]:
    name = f"propintel_test_jobs_migration_{os.getpid()}"
    yield fresh_database(server_url, template_url, name)
    migrate.drop_database(server_url, name)


def objects(url: str) -> set[str]:
    with psycopg.connect(libpq_url(url)) as connection:
        return {name for (name,) in connection.execute(OBJECTS)}


def schema_sql_objects() -> set[str]:
    """What the installed Procrastinate's schema.sql creates."""
    schema = SchemaManager.get_schema()
    return {
        f"{kind.lower()} {name}"
        for kind, name in re.findall(r"^CREATE (TABLE|FUNCTION|TYPE|TRIGGER) (\w+)", schema, re.M)
    }


def test_upgrade_creates_the_installed_procrastinate_schema_and_job_runs(scratch_url: str) -> None:
    expected = schema_sql_objects() | {"table job_runs", "index idx_job_runs_task_started"}

    assert objects(scratch_url) >= expected
    assert {obj for obj in objects(scratch_url) if "procrastinate" in obj} == schema_sql_objects()


def test_downgrade_to_0002_removes_everything_and_upgrade_restores_it(scratch_url: str) -> None:
    before = objects(scratch_url)

    migrate.downgrade(scratch_url, "0002")
    assert objects(scratch_url) == set()

    migrate.upgrade(scratch_url)
    assert objects(scratch_url) == before


def test_job_runs_accepts_only_known_outcomes(scratch_url: str) -> None:
    with psycopg.connect(libpq_url(scratch_url)) as connection:
        connection.execute("INSERT INTO job_runs (task_name, outcome) VALUES ('t', 'ok')")
        with pytest.raises(psycopg.errors.CheckViolation):
            connection.execute("INSERT INTO job_runs (task_name, outcome) VALUES ('t', 'done')")
