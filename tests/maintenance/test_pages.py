"""The admin Maintenance page: every scheduled job with its last run, "Run now" queues the job in
the request's transaction, discrepancies are listed; database reports; admins only, CSRF."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import ROLE_REFUSAL
from propintel.auth.models import UserType
from propintel.jobs import runs
from propintel.jobs.schedule import SCHEDULE
from propintel.kit.clock import now_new_york
from propintel.maintenance import tasks
from propintel.web.security import CSRF_REFUSAL
from tests.factories import browser_as


async def record_run(
    db: AsyncSession, task_name: str, outcome: str, detail: dict[str, Any]
) -> None:
    await db.execute(
        text(
            "INSERT INTO job_runs "
            "(task_name, started_at, finished_at, duration_ms, outcome, detail) VALUES "
            "(:name, LOCALTIMESTAMP, LOCALTIMESTAMP, 1234, :outcome, CAST(:detail AS jsonb))"
        ),
        {"name": task_name, "outcome": outcome, "detail": json.dumps(detail)},
    )


RECONCILE_DETAIL = {
    "pool": [
        {"pool_id": "p", "tokens_purchased": 1500, "tokens_consumed": 305, "total_tokens": 1195}
    ],
    "pool_before": [],
    "pool_changed": True,
    "users_checked": 3,
    "discrepancy_count": 1,
    "discrepancies": [
        {
            "user_id": "6f1c",
            "email": "tampered@example.com",
            "token_balance": 980,
            "implied_balance": 880,
            "purchased": 1000,
            "transactions": 80,
            "used": 200,
            "difference": 100,
        }
    ],
    "discrepancies_truncated": False,
    "warnings": [],
}


async def test_page_lists_every_scheduled_job_with_its_last_run(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, UserType.ADMIN)
    await record_run(db, tasks.RECONCILE_TOKENS, "ok", RECONCILE_DETAIL)
    await record_run(db, tasks.BACKUP, "failed", {"error": "BackupError: pg_dump failed for x"})
    await record_run(
        db,
        tasks.CLEANUP,
        "ok",
        {
            "conversation_days": 90,
            "conversations_deleted": 12,
            "email_log_days": 180,
            "email_logs_deleted": 3,
            "job_history_days": 30,
            "job_runs_deleted": 1440,
            "queue_jobs_deleted": 25,
        },
    )

    page = await client.get("/admin/maintenance")

    assert page.status_code == 200
    for entry in SCHEDULE:
        assert f'data-job="{entry.name}"' in page.text
        assert f"<code>{entry.cron}</code>" in page.text
    assert "1,234 ms" in page.text
    assert "total 1,195 (corrected)" in page.text
    assert "3 users checked, 1 balance discrepancy." in page.text
    assert "BackupError: pg_dump failed for x" in page.text
    assert (
        "Deleted 12 conversation messages older than 90 days, 3 email logs older than 180 days, "
        "1,440 job runs and 25 finished queue jobs older than 30 days."
    ) in page.text
    assert 'id="discrepancy-table"' in page.text
    assert "tampered@example.com" in page.text and "+100" in page.text
    assert page.text.count("Run now</button>") == len(SCHEDULE)
    assert 'href="/admin/maintenance">Maintenance</a>' in page.text  # in the admin navigation


@pytest.mark.parametrize(
    ("task", "detail", "summary"),
    [
        (
            tasks.ANALYZE,
            {"duration_ms": 900, "tables": 41, "notices": [], "properties_reordered_ms": 31_900},
            "Parcels stored again in map order in 31.9 s. VACUUM (ANALYZE) of 41 tables.",
        ),
        (
            tasks.ANALYZE,
            {"duration_ms": 900, "tables": 41,
             "notices": ["properties not reordered: lock timeout"]},
            "VACUUM (ANALYZE) of 41 tables, 1 notice.",
        ),
        (
            tasks.RECOVER_STALLED,
            {"retried": [], "failed": [], "import_runs_failed": []},
            "Nothing had stalled.",
        ),
        (
            tasks.RECOVER_STALLED,
            {"retried": ["a[1]", "b[2]"], "failed": ["ingest.import_file[3]"],
             "import_runs_failed": ["9f0c"]},
            "Stalled jobs queued again: 2; failed: 1; import runs failed: 1.",
        ),
        (
            "scoring.refresh",
            {"as_of": "2026-12-06", "mode": "all", "examined": 20012, "changed": 1840,
             "fields": {"is_vacant": 1084}, "duration_s": 3.21},
            "Scores as of Dec 6, 2026: 20,012 properties examined, 1,840 changed, in 3.2 s.",
        ),
    ],
)  # fmt: skip
async def test_the_upkeep_the_stalled_job_sweep_and_the_score_refresh_read_as_sentences(
    client: httpx.AsyncClient, db: AsyncSession, task: str, detail: dict[str, Any], summary: str
) -> None:
    """Whether the weekly upkeep reordered the parcels; what the sweep and the refresh did."""
    await browser_as(client, db, UserType.ADMIN)
    await record_run(db, task, "ok", detail)

    page = await client.get("/admin/maintenance")

    assert summary in page.text
    assert "{&#34;" not in page.text and '{"' not in page.text  # no raw JSON left


async def test_page_before_any_run_says_when_each_job_runs(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Just started: no job is due yet, so none suggests that the worker is missing."""
    monkeypatch.setattr(runs, "PROCESS_STARTED_AT", now_new_york())
    await browser_as(client, db, UserType.ADMIN)
    await db.execute(text("DELETE FROM job_runs"))

    page = await client.get("/admin/maintenance")

    assert page.text.count('Not run yet — next run <span class="nowrap">') == len(SCHEDULE)
    assert "is a worker running?" not in page.text
    assert "No finished token reconciliation to show yet." in page.text


async def test_an_overdue_job_asks_whether_a_worker_runs(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "PROCESS_STARTED_AT", now_new_york() - timedelta(days=2))
    await browser_as(client, db, UserType.ADMIN)
    await db.execute(text("DELETE FROM job_runs"))
    await db.execute(
        text(
            "INSERT INTO job_runs (task_name, started_at, outcome) "
            "VALUES ('scoring.refresh', LOCALTIMESTAMP - interval '3 days', 'ok')"
        )
    )

    page = await client.get("/admin/maintenance")

    refresh = page.text.split('data-job="scoring.refresh"')[1].split("</tr>")[0]
    assert '<span class="badge outcome-failed">overdue</span>' in refresh
    assert "and not run since: is a worker running?" in refresh
    backup = page.text.split(f'data-job="{tasks.BACKUP}"')[1].split("</tr>")[0]
    assert (
        'Not run yet — it was due <span class="nowrap">' in backup
        and "is a worker running?" in backup
    )


async def test_failed_reconciliation_is_flagged_under_discrepancies(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, UserType.ADMIN)
    await record_run(db, tasks.RECONCILE_TOKENS, "ok", RECONCILE_DETAIL)
    await record_run(db, tasks.RECONCILE_TOKENS, "failed", {"error": "OperationalError: gone"})

    page = await client.get("/admin/maintenance")

    assert "The latest token reconciliation failed" in page.text
    assert "OperationalError: gone" in page.text
    assert 'id="discrepancy-table"' not in page.text


async def test_run_now_queues_the_job_in_the_request_transaction_and_audits_it(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)

    response = await client.post(
        "/admin/maintenance/run", data={"job": tasks.BACKUP, "csrf_token": csrf}
    )

    assert response.status_code == 303 and response.headers["location"] == "/admin/maintenance"
    jobs = (await db.execute(text("SELECT task_name, status::text FROM procrastinate_jobs"))).all()
    assert [tuple(job) for job in jobs] == [(tasks.BACKUP, "todo")]
    audit = (await db.execute(text("SELECT action, changes FROM admin_audit_logs"))).one()
    assert audit[0] == "maintenance.run_now"
    assert audit[1]["after"]["task_name"] == tasks.BACKUP
    page = await client.get("/admin/maintenance")
    assert "is queued" in page.text
    assert '<span class="badge">waiting</span>' in page.text
    # Refreshes itself while the job waits, stoppably (site.js), never by a <meta> refresh.
    assert 'data-auto-refresh="5"' in page.text and "Stop refreshing" in page.text
    assert "http-equiv" not in page.text


async def test_run_now_twice_queues_once(client: httpx.AsyncClient, db: AsyncSession) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)
    form = {"job": tasks.RECONCILE_TOKENS, "csrf_token": csrf}

    await client.post("/admin/maintenance/run", data=form)
    second = await client.post("/admin/maintenance/run", data=form)

    assert second.status_code == 303
    assert (await db.scalar(text("SELECT count(*) FROM procrastinate_jobs"))) == 1
    assert "already waiting" in (await client.get("/admin/maintenance")).text


async def test_run_now_of_an_unscheduled_job_is_404(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)

    response = await client.post(
        "/admin/maintenance/run", data={"job": "ingest.import_file", "csrf_token": csrf}
    )

    assert response.status_code == 404
    assert (await db.scalar(text("SELECT count(*) FROM procrastinate_jobs"))) == 0


async def test_run_now_without_csrf_token_is_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, UserType.ADMIN)

    response = await client.post("/admin/maintenance/run", data={"job": tasks.CLEANUP})

    assert response.status_code == 403 and CSRF_REFUSAL in response.text
    assert (await db.scalar(text("SELECT count(*) FROM procrastinate_jobs"))) == 0


async def test_maintenance_pages_are_admin_only(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    csrf = await browser_as(client, db, UserType.SUBSCRIBER)

    for path in ("/admin/maintenance", "/admin/maintenance/database"):
        page = await client.get(path)
        assert page.status_code == 403 and ROLE_REFUSAL in page.text, path
    refused = await client.post(
        "/admin/maintenance/run", data={"job": tasks.CLEANUP, "csrf_token": csrf}
    )
    assert refused.status_code == 403 and ROLE_REFUSAL in refused.text
    assert (await db.scalar(text("SELECT count(*) FROM procrastinate_jobs"))) == 0


async def test_logged_out_visitor_is_sent_to_log_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/maintenance")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_database_page_shows_index_usage_and_slow_queries(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, UserType.ADMIN)
    await db.execute(text("SELECT pg_sleep(0.01) AS maintenance_page_marker"))

    page = await client.get("/admin/maintenance/database")

    assert page.status_code == 200
    assert 'id="index-usage-table"' in page.text and "idx_users_email" in page.text
    assert 'id="slow-query-table"' in page.text


async def test_database_page_explains_a_missing_extension(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, UserType.ADMIN)
    await db.execute(text("DROP EXTENSION pg_stat_statements"))  # rolled back with the test

    page = await client.get("/admin/maintenance/database")

    assert page.status_code == 200
    assert "CREATE EXTENSION pg_stat_statements" in page.text
    assert "idx_users_email" in page.text
