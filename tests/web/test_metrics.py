"""GET /metrics: requests by route template and status, jobs by outcome, the database gauges,
who may read it, and the multiprocess mode merging several processes' samples."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from propintel.auth.models import Plan, UserType
from propintel.config import get_settings
from propintel.jobs.app import _run
from propintel.jobs.enqueue import defer_in_transaction
from propintel.jobs.registry import JobDefinition
from propintel.jobs.tasks import HEARTBEAT
from propintel.tokens import service as tokens_service
from propintel.web.metrics import (
    MULTIPROC_ENV,
    UNMATCHED,
    exposition_registry,
    prepare_multiprocess_dir,
    route_families,
    route_family,
    samples,
)
from tests.factories import browser_as, funded_subscriber

TOKEN = "scrape-" + uuid.uuid4().hex
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app_options() -> dict[str, Any]:
    settings = get_settings().model_copy(update={"metrics_token": SecretStr(TOKEN)})
    return {"settings": settings}


def _value(name: str, **labels: str) -> float:
    """The current value of sample ``name`` with ``labels`` in this process (0 when absent)."""
    return sum(
        value
        for found, value in samples(exposition_registry(), name)
        if all(found.get(key) == wanted for key, wanted in labels.items())
    )


async def _scrape(client: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await client.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _get(
    scraped: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


# ---- requests ------------------------------------------------------------------------------------


async def test_a_request_is_counted_under_its_route_template_and_status(
    client: httpx.AsyncClient,
) -> None:
    labels = {"method": "GET", "route": "/healthz", "status": "200"}
    before = _value("propintel_http_requests_total", **labels)
    timed = _value("propintel_http_request_duration_seconds_count", method="GET", route="/healthz")
    assert (await client.get("/healthz")).status_code == 200
    assert _value("propintel_http_requests_total", **labels) == before + 1
    assert (
        _value("propintel_http_request_duration_seconds_count", method="GET", route="/healthz")
        == timed + 1
    )


async def test_a_path_with_an_id_is_counted_under_the_template_not_the_raw_path(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, Plan.FULL)
    lead_id = uuid.uuid4()
    template = "/leads/{lead_id}"
    before = _value("propintel_http_requests_total", route=template, status="404")
    response = await client.get(f"/leads/{lead_id}")
    assert response.status_code == 404
    assert _value("propintel_http_requests_total", route=template, status="404") == before + 1
    routes = {
        labels["route"]
        for labels, _ in samples(exposition_registry(), "propintel_http_requests_total")
    }
    assert not any(str(lead_id) in route for route in routes)


async def test_an_unknown_path_is_counted_as_unmatched(client: httpx.AsyncClient) -> None:
    before = _value("propintel_http_requests_total", route=UNMATCHED, status="404")
    path = f"/no-such-page-{uuid.uuid4().hex}"
    assert (await client.get(path)).status_code == 404
    assert _value("propintel_http_requests_total", route=UNMATCHED, status="404") == before + 1
    routes = {
        labels["route"]
        for labels, _ in samples(exposition_registry(), "propintel_http_requests_total")
    }
    assert path not in routes


async def test_a_static_file_is_counted_under_its_mount(client: httpx.AsyncClient) -> None:
    template = "/static/{path}"
    before = _value("propintel_http_requests_total", route=template, status="200")
    assert (await client.get("/static/css/app.css")).status_code == 200
    assert _value("propintel_http_requests_total", route=template, status="200") == before + 1


async def test_scrape_shows_the_request_counter(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    scraped = await _scrape(client)
    assert (
        _get(scraped, "propintel_http_requests_total", method="GET", route="/healthz", status="200")
        >= 1
    )


def test_route_families() -> None:
    assert route_family("/api/v1/leads/{lead_id}") == "/api/v1/leads"
    assert route_family("/admin/users/{user_id}/tokens") == "/admin/users"
    assert route_family("/leads/{lead_id}") == "/leads"
    assert route_family("/") == "/"
    assert route_family(UNMATCHED) == UNMATCHED


async def test_route_families_sum_requests_and_server_errors(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    families = {row.family: row for row in route_families()}
    health = families["/healthz"]
    assert health.requests >= 1
    assert health.p95_seconds is not None and health.p95_seconds > 0


# ---- jobs ----------------------------------------------------------------------------------------


async def _succeeds(session: AsyncSession) -> dict[str, Any]:
    return {"ok": True}


async def _fails(session: AsyncSession) -> dict[str, Any]:
    raise RuntimeError("this job fails on purpose")


async def test_a_job_run_is_counted_by_task_and_outcome(engine: AsyncEngine) -> None:
    name = "tests.metrics_job"
    ok = _value("propintel_jobs_total", task=name, outcome="ok")
    failed = _value("propintel_jobs_total", task=name, outcome="failed")

    await _run(engine, JobDefinition(name, _succeeds), {}, recorded=False)
    assert _value("propintel_jobs_total", task=name, outcome="ok") == ok + 1
    assert _value("propintel_jobs_total", task=name, outcome="failed") == failed

    with pytest.raises(RuntimeError):
        await _run(engine, JobDefinition(name, _fails), {}, recorded=False)
    assert _value("propintel_jobs_total", task=name, outcome="failed") == failed + 1
    assert _value("propintel_job_duration_seconds_count", task=name) == ok + failed + 2


# ---- the database gauges -------------------------------------------------------------------------


async def test_queue_depth_reflects_deferred_jobs(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    before = _get(await _scrape(client), "propintel_queue_jobs", queue="default", status="todo")
    await defer_in_transaction(db, HEARTBEAT)
    after = await _scrape(client)
    assert _get(after, "propintel_queue_jobs", queue="default", status="todo") == before + 1
    assert _get(after, "propintel_system_up") == 1


async def _doing_job(db: AsyncSession, task: str, heartbeat_age_s: int | None) -> None:
    """A running job of a worker whose last heartbeat is ``heartbeat_age_s`` old (None: none)."""
    worker_id = None
    if heartbeat_age_s is not None:
        worker_id = await db.scalar(
            text(
                "INSERT INTO procrastinate_workers (last_heartbeat) "
                "VALUES (now() - make_interval(secs => :age)) RETURNING id"
            ),
            {"age": heartbeat_age_s},
        )
    await db.execute(
        text(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, status, worker_id) "
            "VALUES ('default', :task, 'doing', :worker)"
        ),
        {"task": task, "worker": worker_id},
    )


async def test_a_job_whose_worker_stopped_beating_is_counted_stalled(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await _doing_job(db, "tests.alive", heartbeat_age_s=1)
    await _doing_job(db, "tests.stale", heartbeat_age_s=120)
    await _doing_job(db, "tests.orphan", heartbeat_age_s=None)
    scraped = await _scrape(client)
    assert _get(scraped, "propintel_stalled_jobs", queue="default", task="tests.stale") == 1
    assert _get(scraped, "propintel_stalled_jobs", queue="default", task="tests.orphan") == 1
    assert _get(scraped, "propintel_stalled_jobs", queue="default", task="tests.alive") == 0
    assert _get(scraped, "propintel_queue_jobs", queue="default", status="doing") >= 3


async def test_a_token_charge_shows_in_the_charges_of_the_last_day(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    before = await _scrape(client)
    user = await funded_subscriber(db, tokens=100)
    charged = await tokens_service.charge(db, user.user_id, "sms_send", 1)
    after = await _scrape(client)
    assert _get(after, "propintel_token_charges_24h", action="sms_send") == (
        _get(before, "propintel_token_charges_24h", action="sms_send") + 1
    )
    assert _get(after, "propintel_tokens_charged_24h", action="sms_send") == (
        _get(before, "propintel_tokens_charged_24h", action="sms_send") + charged.tokens
    )


async def test_import_rows_of_the_last_day(client: httpx.AsyncClient, db: AsyncSession) -> None:
    before = await _scrape(client)
    await db.execute(
        text(
            "INSERT INTO import_runs (run_id, kind, source_file, started_at, status, counts) "
            "VALUES (:id, 'nal', 'x.csv', LOCALTIMESTAMP, 'succeeded', CAST(:counts AS jsonb)), "
            "(:old, 'nal', 'y.csv', LOCALTIMESTAMP - interval '2 days', 'succeeded', "
            "CAST(:counts AS jsonb))"
        ),
        {
            "id": uuid.uuid4(),
            "old": uuid.uuid4(),
            "counts": '{"read": 10, "inserted": 7, "updated": 1, "quarantined_total": 2}',
        },
    )
    after = await _scrape(client)
    for count, added in (("read", 10), ("inserted", 7), ("updated", 1), ("quarantined", 2)):
        assert _get(after, "propintel_import_rows_24h", kind="nal", count=count) == (
            _get(before, "propintel_import_rows_24h", kind="nal", count=count) + added
        )
    assert _get(after, "propintel_database_size_bytes") > 0
    assert _get(after, "propintel_database_connections", state="all") >= 1


# ---- access --------------------------------------------------------------------------------------


async def test_anonymous_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics")
    assert response.status_code == 401
    assert "propintel_http_requests" not in response.text


async def test_a_subscriber_is_refused(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await browser_as(client, db, Plan.FULL)
    response = await client.get("/metrics")
    assert response.status_code == 403
    assert "propintel_http_requests" not in response.text


async def test_an_admin_reads_the_metrics(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await browser_as(client, db, UserType.ADMIN)
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert "propintel_http_requests_total" in response.text


async def test_the_scraper_token_reads_the_metrics(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200
    assert "propintel_system_up 1.0" in response.text
    assert response.headers["cache-control"] == "no-store"  # never kept by a proxy


async def test_a_wrong_token_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}x"})
    assert response.status_code == 401
    assert "propintel_http_requests" not in response.text


async def test_without_a_configured_token_no_bearer_token_opens_it(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    client_app = client._transport.app  # type: ignore[attr-defined]
    client_app.state.settings = get_settings().model_copy(update={"metrics_token": None})
    for header in ("Bearer ", "Bearer None", f"Bearer {TOKEN}"):
        response = await client.get("/metrics", headers={"Authorization": header})
        assert response.status_code == 401, header


# ---- multiprocess mode ---------------------------------------------------------------------------

_CHILD = """
import sys
from propintel.web.metrics import HTTP_REQUESTS
HTTP_REQUESTS.labels("GET", "/multiprocess-test", "200").inc(int(sys.argv[1]))
"""


def test_multiprocess_mode_merges_the_samples_of_several_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_999999.db").write_bytes(b"stale: a previous run's file")
    prepare_multiprocess_dir(directory)
    assert list(directory.iterdir()) == []  # the previous run's samples are gone

    env = {**os.environ, MULTIPROC_ENV: str(directory)}
    for increments in (2, 3):
        subprocess.run([sys.executable, "-c", _CHILD, str(increments)], env=env, check=True)
    assert len(list(directory.glob("counter_*.db"))) == 2  # one file per process

    monkeypatch.setenv(MULTIPROC_ENV, str(directory))
    merged = [
        value
        for labels, value in samples(exposition_registry(), "propintel_http_requests_total")
        if labels["route"] == "/multiprocess-test"
    ]
    assert merged == [5.0]
