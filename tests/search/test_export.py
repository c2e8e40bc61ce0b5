"""CSV export of a search: all matching rows up to the cap, scores and breakdown, gated, logged."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import httpx
import pytest
from sqlalchemy import RowMapping, text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from propintel.search import export
from propintel.search.service import UPGRADE_MESSAGE
from tests.factories import api_as
from tests.search.helpers import distressed, make_lead, new_owner

URL = "/api/v1/properties/export.csv"


def _rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


async def _exports(db: AsyncSession) -> list[tuple[int, int | None, dict[str, object]]]:
    rows = await db.execute(
        text("SELECT max_rows, row_count, criteria FROM search_exports ORDER BY created_at")
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_export_sends_every_match_in_order_with_scores_and_is_logged(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    for score in (20, 60, 40):
        await distressed(db, score, zip_code="33180", breakdown={"tax_lien": 30, "vacant": 20})
    await make_lead(db, zip_code="33180")  # not distressed
    headers = await api_as(client, db, Plan.INVESTOR)

    rows = _rows(await client.get(URL, params={"zip": "33180"}, headers=headers))

    assert [row["distressed_score"] for row in rows] == ["60", "40", "20"]
    assert rows[0]["intent_breakdown"] == "tax_lien:30; vacant:20"
    assert {"folio_number", "market_value", "new_homeowner_score", "owner_name"} <= set(rows[0])
    assert "phone_number" not in rows[0] and "email" not in rows[0]
    assert await _exports(db) == [(5000, 3, {"zip": ["33180"]})]


async def test_export_stops_at_max_rows_and_refuses_more_than_the_setting(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    for score in range(1, 6):
        await distressed(db, score, zip_code="33181")
    headers = await api_as(client, db, Plan.FULL)

    rows = _rows(await client.get(URL, params={"zip": "33181", "max_rows": 2}, headers=headers))
    assert [row["distressed_score"] for row in rows] == ["5", "4"]
    too_many = await client.get(URL, params={"max_rows": 5001}, headers=headers)
    assert too_many.status_code == 422 and too_many.json()["field"] == "max_rows"
    assert [(cap, count) for cap, count, _ in await _exports(db)] == [(2, 2)]


async def test_export_follows_the_plan(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await new_owner(db, 100, zip_code="33182")
    await distressed(db, 50, zip_code="33182")
    contractor = await api_as(client, db, Plan.CONTRACTOR)

    rows = _rows(await client.get(URL, params={"zip": "33182"}, headers=contractor))
    assert [row["new_homeowner_score"] for row in rows] == ["100"]
    refused = await client.get(URL, params={"intent": "distressed"}, headers=contractor)
    assert refused.status_code == 403 and "investor or full plan" in refused.json()["detail"]
    nobody = await api_as(client, db, Plan.NONE)
    no_plan = await client.get(URL, headers=nobody)
    assert (no_plan.status_code, no_plan.json()["detail"]) == (403, UPGRADE_MESSAGE)
    assert len(await _exports(db)) == 1


async def test_export_neutralises_spreadsheet_formulas(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await distressed(db, 10, zip_code="33183", owner_name='=HYPERLINK("http://x")')
    headers = await api_as(client, db, Plan.FULL)
    [row] = _rows(await client.get(URL, params={"zip": "33183"}, headers=headers))
    assert row["owner_name"].startswith("'=")


async def test_export_streams_its_rows_in_chunks_of_several_lines(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows go out ROWS_PER_CHUNK lines at a time (not a chunk per line), all of them, in order."""
    monkeypatch.setattr(export, "ROWS_PER_CHUNK", 2)
    chunks: list[int] = []  # rows per chunk
    write_rows = export.csv_rows

    def counted(rows: Sequence[RowMapping], job: export.ExportJob) -> str:
        chunks.append(len(rows))
        return write_rows(rows, job)

    monkeypatch.setattr(export, "csv_rows", counted)
    for score in range(1, 6):
        await distressed(db, score, zip_code="33182")
    headers = await api_as(client, db, Plan.FULL)

    rows = _rows(await client.get(URL, params={"zip": "33182"}, headers=headers))

    assert [row["distressed_score"] for row in rows] == ["5", "4", "3", "2", "1"]
    assert chunks == [2, 2, 1]
    assert [(cap, count) for cap, count, _ in await _exports(db)] == [(5000, 5)]
