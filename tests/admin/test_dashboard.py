"""The admin dashboard and its summary API say when each scheduled job runs next, and ask about
the worker only for a job that is overdue."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from propintel.jobs import runs
from propintel.jobs.schedule import SCHEDULE
from propintel.kit.clock import now_new_york
from tests.factories import bearer_for, log_in_browser, make_user


@pytest.fixture
async def no_runs(db: AsyncSession) -> None:
    await db.execute(text("DELETE FROM job_runs"))


@pytest.mark.usefixtures("no_runs")
async def test_a_fresh_start_shows_each_job_s_next_run(
    db: AsyncSession, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "PROCESS_STARTED_AT", now_new_york())
    admin = await make_user(db, UserType.ADMIN)

    summary = await client.get("/api/v1/admin/summary", headers=await bearer_for(client, admin))
    jobs = summary.json()["scheduled_jobs"]
    assert [job["overdue_since"] for job in jobs] == [None] * len(SCHEDULE)
    assert all(job["next_run_at"] > now_new_york().isoformat() for job in jobs)

    await log_in_browser(client, admin)
    page = await client.get("/dashboard")
    assert page.text.count('Not run yet — next run <span class="nowrap">') == len(SCHEDULE)
    assert "is a worker running?" not in page.text


@pytest.mark.usefixtures("no_runs")
async def test_a_job_overdue_since_the_start_asks_about_the_worker(
    db: AsyncSession, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "PROCESS_STARTED_AT", now_new_york() - timedelta(hours=1))
    admin = await make_user(db, UserType.ADMIN)

    summary = await client.get("/api/v1/admin/summary", headers=await bearer_for(client, admin))
    overdue = [job["name"] for job in summary.json()["scheduled_jobs"] if job["overdue_since"]]
    assert "maintenance.heartbeat" in overdue  # every minute: an hour without a run

    await log_in_browser(client, admin)
    page = await client.get("/dashboard")
    heartbeat = page.text.split("maintenance.heartbeat")[1].split("</tr>")[0]
    assert (
        'Not run yet — it was due <span class="nowrap">' in heartbeat
        and "is a worker running?" in heartbeat
    )
