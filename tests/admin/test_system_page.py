"""The admin System page: the /metrics figures at a glance, with data and with empty states."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.admin import system
from propintel.admin.system import SnapshotCollector
from propintel.admin.system_repository import SystemRepository
from propintel.auth.models import Plan, UserType
from propintel.jobs.enqueue import defer_in_transaction
from propintel.jobs.tasks import HEARTBEAT
from propintel.tokens import service as tokens_service
from tests.factories import browser_as, funded_subscriber


def _cell_texts(html: str, testid: str) -> list[str]:
    """The cell texts of the row marked ``data-testid=testid``."""
    row = re.search(rf'<tr data-testid="{re.escape(testid)}">(.*?)</tr>', html, re.S)
    assert row, f"no row {testid}"
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


async def _empty_queues(db: AsyncSession) -> None:
    """This transaction sees no job, charge or import (deleted here, rolled back after)."""
    await db.execute(text("DELETE FROM procrastinate_jobs"))
    await db.execute(text("DELETE FROM token_usage_logs"))
    await db.execute(text("DELETE FROM import_runs"))


async def test_the_page_shows_queues_charges_imports_and_the_database(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await _empty_queues(db)
    await defer_in_transaction(db, HEARTBEAT)
    await db.execute(
        text(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, status) "
            "VALUES ('default', 'tests.orphan', 'doing')"
        )
    )
    user = await funded_subscriber(db, tokens=100)
    await tokens_service.charge(db, user.user_id, "sms_send", 1)
    await db.execute(
        text(
            "INSERT INTO import_runs (run_id, kind, source_file, started_at, status, counts) "
            "VALUES (:id, 'nal', 'x.csv', LOCALTIMESTAMP, 'failed', CAST(:counts AS jsonb))"
        ),
        {"id": uuid.uuid4(), "counts": '{"read": 12, "inserted": 9, "quarantined_total": 3}'},
    )
    await browser_as(client, db, UserType.ADMIN)
    await client.get("/healthz")

    response = await client.get("/admin/system")
    assert response.status_code == 200
    html = response.text
    assert '<a href="/admin/system">System</a>' in html  # the admin navigation
    assert _cell_texts(html, "queue-default-todo") == ["default", "waiting", "1"]
    assert _cell_texts(html, "queue-default-doing") == ["default", "running", "1"]
    assert 'data-testid="stalled-total">1<' in html
    assert "tests.orphan" in html
    assert _cell_texts(html, "charge-sms_send")[:2] == ["sms_send", "1"]
    assert _cell_texts(html, "import-nal") == ["nal", "1", "1", "12", "9", "0", "3"]
    assert _cell_texts(html, "family-/healthz")[0] == "/healthz"
    assert "<caption>" in html
    assert 'data-testid="database-size"' in html
    for empty in ("no-queued-jobs", "no-charges", "no-imports", "no-stalled-jobs"):
        assert f'data-testid="{empty}"' not in html


async def test_the_page_shows_its_empty_states(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await _empty_queues(db)
    await browser_as(client, db, UserType.ADMIN)
    html = (await client.get("/admin/system")).text
    for empty in ("no-queued-jobs", "no-charges", "no-imports", "no-stalled-jobs"):
        assert f'data-testid="{empty}"' in html, empty
    assert 'data-testid="stalled-total">0<' in html


async def test_the_page_in_spanish(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await _empty_queues(db)
    await browser_as(client, db, UserType.ADMIN)
    html = (await client.get("/admin/system", headers={"Accept-Language": "es"})).text
    assert "<h1>Sistema</h1>" in html
    assert "Ninguna importación" in html or "No se inició ninguna importación" in html


async def test_only_admins_see_the_page(client: httpx.AsyncClient, db: AsyncSession) -> None:
    response = await client.get("/admin/system")
    assert response.status_code in (302, 303, 401)
    await browser_as(client, db, Plan.FULL)
    assert (await client.get("/admin/system")).status_code == 403


async def test_a_timed_out_snapshot_leaves_the_transaction_usable(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A statement over the timeout: no snapshot (``/metrics`` still answers), and the request's
    transaction goes on."""

    async def slow(self: SystemRepository) -> list[object]:
        await self.session.execute(text("SELECT pg_sleep(2)"))
        return []

    monkeypatch.setattr(SystemRepository, "queue_depth", slow)
    monkeypatch.setattr(system, "STATEMENT_TIMEOUT_MS", 50)
    assert await system.system_snapshot(db) is None
    assert (await db.execute(text("SELECT 1"))).scalar_one() == 1
    assert SnapshotCollector(None).collect().__next__().samples[0].value == 0  # system_up 0
