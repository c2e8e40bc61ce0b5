"""CSV export of a search: every matching row up to a cap, streamed as it is read (a server-side
cursor), with both scores and the breakdown. Each export is logged in ``search_exports`` before
the first row is sent; its row count is written once the last row has gone."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import Field
from sqlalchemy import RowMapping

from propintel.auth.models import User
from propintel.kit.clock import today_new_york
from propintel.kit.errors import Invalid
from propintel.search.criteria import SearchCriteria
from propintel.search.repository import Scope, SearchRepository, search_sql
from propintel.search.service import scope_for

HEADER = (
    "property_id", "folio_number", "full_address", "city", "zip_code", "latitude", "longitude",
    "property_type", "bedrooms", "bathrooms", "square_feet", "lot_size_sqft", "year_built", "pool",
    "assessed_value", "market_value", "estimated_equity", "mortgage_balance", "last_sale_price",
    "last_sale_date", "new_homeowner_sale_date", "owner_name", "owner_type", "out_of_state_owner",
    "distressed_score", "new_homeowner_score", "intent_breakdown",
)  # fmt: skip
ROW_KEYS = (
    "property_id", "folio_number", "full_address", "city", "zip_code", "lat", "lon",
    "property_type", "bedrooms", "bathrooms", "square_feet", "lot_size_sqft", "year_built", "pool",
    "assessed_value", "market_value", "estimated_equity", "mortgage_balance", "last_sale_price",
    "last_sale_date", "sale_date", "owner_name", "owner_type", "out_of_state_owner",
    "distressed_score", "new_homeowner_score",
)  # fmt: skip
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportRequest(SearchCriteria):
    max_rows: int | None = Field(
        default=None, ge=1, description="At most this many rows (default and ceiling: the setting)."
    )

    def criteria(self) -> SearchCriteria:
        return SearchCriteria.model_validate(self.model_dump(exclude={"max_rows"}))


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _breakdown(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    return "; ".join(f"{name}:{weight}" for name, weight in sorted(value.items()))


def csv_line(values: list[Any] | tuple[Any, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([_cell(value) for value in values])
    return buffer.getvalue()


def csv_row(row: RowMapping) -> str:
    return csv_line([*(row[key] for key in ROW_KEYS), _breakdown(row["intent_breakdown"])])


@dataclass(frozen=True)
class ExportJob:
    export_id: uuid.UUID
    criteria: SearchCriteria
    scope: Scope
    cap: int


async def start_export(
    repo: SearchRepository, user: User, request: ExportRequest, ceiling: int
) -> ExportJob:
    """Gate and check the criteria, and log the export (before any row is read)."""
    if request.max_rows is not None and request.max_rows > ceiling:
        raise Invalid(f"max_rows may be at most {ceiling:,}.", field="max_rows")
    criteria = request.criteria()
    scope = await scope_for(repo, user, criteria)
    cap = request.max_rows or ceiling
    export_id = await repo.log_export(user.user_id, criteria.stored(), cap)
    return ExportJob(export_id, criteria, scope, cap)


async def stream_rows(
    repo: SearchRepository, job: ExportJob, today: date | None = None
) -> AsyncIterator[str]:
    """The CSV, a line at a time; records the number of rows sent when done."""
    statement = search_sql(job.criteria, job.scope, today=today or today_new_york(), limit=job.cap)
    yield csv_line(HEADER)
    sent = 0
    async for row in repo.stream(statement):
        yield csv_row(row)
        sent += 1
    await repo.finish_export(job.export_id, sent)
