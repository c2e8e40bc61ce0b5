"""The database goes away under a running app (issue 18, item 1): before, 850 searches got 500
with a traceback each in the log; now each gets 503 with Retry-After and a clear message, the log
gets one line for the outage, and requests succeed again once the database is back."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import psycopg
import pytest
from sqlalchemy import exc as sqlalchemy_errors
from sqlalchemy.ext.asyncio import AsyncEngine

from propintel.app import create_app
from propintel.db.availability import database_unreachable
from propintel.db.engine import create_engine_for, unit_of_work
from propintel.web.errors import DATABASE_RETRY_AFTER_S, OutageLog
from tests.factories import bearer_for, log_in_browser, make_subscriber
from tests.outage import OutageProxy, outage_proxy

SEARCH = "/api/v1/properties?limit=5"


@pytest.fixture
async def proxy(import_url: str) -> AsyncIterator[OutageProxy]:
    async with outage_proxy(import_url) as proxy:
        yield proxy


@pytest.fixture
async def proxied_engine(proxy: OutageProxy) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_for(proxy.url, pool_size=2)
    yield engine
    await engine.dispose()


async def test_searches_get_503_during_an_outage_and_200_after(
    proxy: OutageProxy, proxied_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    async with unit_of_work(proxied_engine) as session:
        user = await make_subscriber(session)
    transport = httpx.ASGITransport(
        app=create_app(engine=proxied_engine), raise_app_exceptions=False
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        headers = await bearer_for(client, user)
        await log_in_browser(client, user)  # the pages' session cookie
        assert (await client.get(SEARCH, headers=headers)).status_code == 200
        assert (await client.get("/leads")).status_code == 200

        await proxy.cut()
        with caplog.at_level(logging.INFO):
            answers = [await client.get(SEARCH, headers=headers) for _ in range(20)]
            page = await client.get("/leads", headers={"Accept": "text/html"})
        assert {answer.status_code for answer in answers} == {503}
        assert {answer.headers["Retry-After"] for answer in answers} == {
            str(DATABASE_RETRY_AFTER_S)
        }
        assert "database does not answer" in answers[0].json()["detail"]
        assert page.status_code == 503 and "Service unavailable" in page.text
        errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert [r.getMessage() for r in errors] == [
            "database unavailable: answering 503 (outage begins)"
        ]
        assert not any(r.exc_info for r in caplog.records)  # no traceback

        await proxy.restore()
        assert (await client.get(SEARCH, headers=headers)).status_code == 200


def test_the_outage_log_repeats_once_a_minute() -> None:
    log = OutageLog()
    error = psycopg.OperationalError("connection refused")
    lines = []
    for second in range(0, 150, 5):
        before = log.logged_at
        log.refused_request(error, now=float(second))
        if log.logged_at != before:
            lines.append(second)
    assert lines == [0, 60, 120] and log.refused == 30


@pytest.mark.parametrize(
    ("error", "unreachable"),
    [
        (psycopg.OperationalError("connection refused"), True),
        (psycopg.InterfaceError("the connection is closed"), True),
        (psycopg.errors.AdminShutdown("terminating connection"), True),
        (psycopg.errors.CannotConnectNow("the database system is starting up"), True),
        (sqlalchemy_errors.TimeoutError("QueuePool limit reached"), True),
        (psycopg.errors.QueryCanceled("statement timeout"), False),
        (psycopg.errors.UniqueViolation("duplicate key"), False),
        (ValueError("not a database error"), False),
    ],
)
def test_what_counts_as_the_database_being_unreachable(
    error: BaseException, unreachable: bool
) -> None:
    assert database_unreachable(error) is unreachable
    wrapped = sqlalchemy_errors.OperationalError("SELECT 1", {}, error)  # as SQLAlchemy raises
    wrapped.__cause__ = error
    assert database_unreachable(wrapped) is unreachable
