"""One-line builders of a property's records (signals, sales, listings), and readers of what the
refresh wrote. The property itself: ``tests.factories.make_property``."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql as psycopg_sql
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.ingest.sales import REFRESH_SALE_SUMMARY, SUMMARY_PARAMS
from propintel.scoring.refresh import refresh_scores
from propintel.scoring.refresh_plan import RefreshResult
from propintel.scoring.refresh_sql import COLUMNS

AS_OF = date(2026, 6, 15)  # every test scores "today" = this New York date
_references = itertools.count(1)


def days_ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


async def folio_of(db: AsyncSession, property_id: uuid.UUID) -> str:
    folio: str = await db.scalar(
        text("SELECT folio_number FROM properties WHERE property_id = :id"), {"id": property_id}
    )
    return folio


async def add_signal(
    db: AsyncSession,
    property_id: uuid.UUID,
    signal_type: str,
    *,
    status: str = "open",
    recorded: date | None = None,
    source: str = "tests",
    detail: dict[str, Any] | None = None,
) -> str:
    """An open (by default) record of ``signal_type``; returns its reference."""
    reference = f"REF-{next(_references)}"
    await db.execute(
        text(
            "INSERT INTO property_signals (property_id, folio_number, signal_type, status, "
            "recorded_date, source, reference, detail, match_method) "
            "SELECT :id, folio_number, :type, :status, :recorded, :source, :reference, "
            "CAST(:detail AS jsonb), 'folio' FROM properties WHERE property_id = :id"
        ),
        {
            "id": property_id,
            "type": signal_type,
            "status": status,
            "recorded": recorded or days_ago(100),
            "source": source,
            "reference": reference,
            "detail": json.dumps(detail) if detail else None,
        },
    )
    return reference


async def add_sale(
    db: AsyncSession,
    property_id: uuid.UUID,
    sale_date: date,
    price: int | None = 300_000,
    *,
    code: str | None = "01",
    source: str = "sdf",
    summary: bool = True,
) -> None:
    """A sale in the history; the property's sale summary is then recomputed with the importers'
    own statement (``ingest/sales.py``), as every importer does, unless ``summary`` is False."""
    await db.execute(
        text(
            "INSERT INTO property_sales (folio_number, sale_year, sale_month, sale_date, "
            "sale_day_exact, sale_price, qualification_code, or_book, or_page, source) "
            "SELECT folio_number, :year, :month, :sale_date, true, :price, :code, :book, '1', "
            ":source FROM properties WHERE property_id = :id"
        ),
        {
            "id": property_id,
            "year": sale_date.year,
            "month": sale_date.month,
            "sale_date": sale_date,
            "price": price,
            "code": code,
            "book": str(next(_references)),
            "source": source,
        },
    )
    if summary:
        await refresh_sale_summary(db, property_id)


async def refresh_sale_summary(db: AsyncSession, property_id: uuid.UUID) -> None:
    await db.execute(
        text("CREATE TEMPORARY TABLE IF NOT EXISTS test_touched (folio text, reject_reason text)")
    )
    await db.execute(text("DELETE FROM test_touched"))
    await db.execute(
        text(
            "INSERT INTO test_touched SELECT folio_number, NULL FROM properties "
            "WHERE property_id = :id"
        ),
        {"id": property_id},
    )
    raw = await (await db.connection()).get_raw_connection()
    connection = raw.driver_connection
    assert isinstance(connection, psycopg.AsyncConnection)
    statement = psycopg_sql.SQL(REFRESH_SALE_SUMMARY).format(
        staging=psycopg_sql.Identifier("test_touched")
    )
    await connection.execute(statement, SUMMARY_PARAMS)


async def add_listing(
    db: AsyncSession,
    property_id: uuid.UUID,
    listed: date | None,
    *,
    status: str = "active",
    days_on_market: int | None = None,
) -> str:
    url = f"https://fsbo.example.com/listing/{next(_references)}"
    await db.execute(
        text(
            "INSERT INTO fsbo_listings (property_id, listing_url, listing_platform, listed_date, "
            "listing_status, days_on_market) VALUES (:id, :url, 'fsbo.example', :listed, "
            ":status, :days)"
        ),
        {
            "id": property_id,
            "url": url,
            "listed": listed,
            "status": status,
            "days": days_on_market,
        },
    )
    return url


async def set_weight(db: AsyncSession, name: str, weight: int) -> None:
    await db.execute(
        text("UPDATE intent_indicators SET weight = :weight WHERE indicator_name = :name"),
        {"weight": weight, "name": name},
    )


async def refresh(
    db: AsyncSession, as_of: date = AS_OF, *, full: bool = False, days: int = 365
) -> RefreshResult:
    return await refresh_scores(db, as_of=as_of, new_homeowner_days=days, full=full)


# The columns the refresh writes, and the sale date its new-homeowner rules count from.
SCORED = (*COLUMNS, "sale_date")


async def scores(db: AsyncSession, property_id: uuid.UUID) -> dict[str, Any]:
    """The columns the refresh writes (and ``sale_date``), as stored."""
    row = await db.execute(
        text(f"SELECT {', '.join(SCORED)} FROM properties WHERE property_id = :id"),
        {"id": property_id},
    )
    return dict(row.mappings().one())


async def intents(db: AsyncSession, property_id: uuid.UUID) -> dict[str, datetime]:
    """``property_intents`` of the property: indicator name → detected_at."""
    rows = await db.execute(
        text(
            "SELECT i.indicator_name, pi.detected_at FROM property_intents pi "
            "JOIN intent_indicators i USING (indicator_id) WHERE pi.property_id = :id"
        ),
        {"id": property_id},
    )
    return {name: detected_at for name, detected_at in rows}


async def weights(db: AsyncSession) -> dict[str, tuple[str, int]]:
    rows = await db.execute(
        text("SELECT indicator_name, intent_type, weight FROM intent_indicators")
    )
    return {name: (intent_type, weight) for name, intent_type, weight in rows}
