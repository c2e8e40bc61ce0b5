"""CSV export of a search: every matching row up to a cap, streamed as it is read (a server-side
cursor), in one of two layouts (every field, or the direct-mail columns), with the scores the
caller's plan includes. Each export is logged in ``search_exports`` before
the first row is sent; its row count is written once the last row has gone."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.kit.clock import today_new_york
from propintel.kit.errors import Invalid
from propintel.kit.i18n import _, format_number
from propintel.search.criteria import SearchCriteria
from propintel.search.repository import SearchRepository
from propintel.search.schemas import item_fields
from propintel.search.scope import Scope
from propintel.search.service import scope_for

Item = dict[str, Any]  # a result in PropertyItem's shape (schemas.item_fields): plan-gated


Getter = Callable[[Item], Any]


def _field(key: str) -> Getter:
    return lambda item: item[key]


def _address(key: str) -> Getter:
    return lambda item: item["address"][key]


def _owner(key: str) -> Getter:
    return lambda item: item["owner"][key]


def _mailing(key: str) -> Getter:
    return lambda item: item["owner"]["mailing_address"][key]


def _indicators(item: Item) -> str:
    return "; ".join(f"{i['label']} (+{i['points']})" for i in item["indicators"])


def _breakdown(item: Item) -> str:
    return "; ".join(f"{i['name']}:{i['points']}" for i in sorted(item["indicators"], key=_name))


def _name(indicator: dict[str, Any]) -> str:
    return str(indicator["name"])


Column = tuple[str, Getter]
# Every column an export can have, by name (never phone or email).
COLUMNS: dict[str, Getter] = {
    "property_id": _field("id"),
    "folio_number": _field("folio"),
    "full_address": _address("full"),
    "city": _address("city"),
    "zip_code": _address("zip"),
    "property_street": _address("street"),
    "property_city": _address("city"),
    "property_state": lambda _item: "FL",
    "property_zip": _address("zip"),
    "latitude": lambda item: item["location"]["lat"] if item["location"] else None,
    "longitude": lambda item: item["location"]["lon"] if item["location"] else None,
    "property_type": _field("type"),
    **{key: _field(key) for key in (
        "bedrooms", "bathrooms", "square_feet", "lot_size_sqft", "year_built", "pool",
        "new_homeowner_sale_date", "lead_score", "distressed_score", "new_homeowner_score")},
    "assessed_value": lambda item: item["values"]["assessed"],
    "market_value": lambda item: item["values"]["market"],
    "estimated_equity": lambda item: item["values"]["estimated_equity"],
    "mortgage_balance": lambda item: item["values"]["mortgage_balance"],
    "last_sale_price": lambda item: item["last_sale"]["price"],
    "last_sale_date": lambda item: item["last_sale"]["date"],
    **{f"owner_{key}": _owner(key) for key in ("name", "first_name", "last_name", "type")},
    "absentee_owner": _owner("absentee"),
    "out_of_state_owner": _owner("out_of_state"),
    "mailing_address": _mailing("full"),
    **{f"mailing_{key}": _mailing(key) for key in ("street", "city", "state", "zip")},
    "indicators": _indicators,
    "intent_breakdown": _breakdown,
}  # fmt: skip
LAYOUTS: dict[str, tuple[str, ...]] = {
    # Everything a result carries, one column each.
    "full": (
        "property_id", "folio_number", "full_address", "city", "zip_code", "latitude",
        "longitude", "property_type", "bedrooms", "bathrooms", "square_feet", "lot_size_sqft",
        "year_built", "pool", "assessed_value", "market_value", "estimated_equity",
        "mortgage_balance", "last_sale_price", "last_sale_date", "new_homeowner_sale_date",
        "owner_name", "owner_type", "mailing_address", "mailing_street", "mailing_city",
        "mailing_state", "mailing_zip", "absentee_owner", "out_of_state_owner", "lead_score",
        "distressed_score", "new_homeowner_score", "indicators", "intent_breakdown",
    ),
    # What a mail house asks for: who, where to write, which property the letter is about.
    "mail": (
        "owner_name", "owner_first_name", "owner_last_name", "mailing_street", "mailing_city",
        "mailing_state", "mailing_zip", "property_street", "property_city", "property_state",
        "property_zip", "absentee_owner", "lead_score", "folio_number",
    ),
}  # fmt: skip
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 100  # CSV lines per chunk of the streamed response


class ExportRequest(SearchCriteria):
    max_rows: int | None = Field(
        default=None, ge=1, description="At most this many rows (default and ceiling: the setting)."
    )
    layout: Literal["full", "mail"] = Field(
        default="full",
        description="full: every field of a result; mail: owner name and mailing address in "
        "separate columns, the property's address, absentee flag and lead score (direct mail).",
    )

    def criteria(self) -> SearchCriteria:
        return SearchCriteria.model_validate(self.model_dump(exclude={"max_rows", "layout"}))


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_line(values: list[Any] | tuple[Any, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([_cell(value) for value in values])
    return buffer.getvalue()


def csv_rows(rows: Sequence[RowMapping], job: ExportJob) -> str:
    """The CSV lines of ``rows`` (one writer for them all)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        item = item_fields(row, job.scope)
        writer.writerow([_cell(value(item)) for _, value in job.columns])
    return buffer.getvalue()


@dataclass(frozen=True)
class ExportJob:
    export_id: uuid.UUID
    criteria: SearchCriteria
    scope: Scope
    cap: int
    columns: tuple[Column, ...]


async def start_export(
    session: AsyncSession, user: User, request: ExportRequest, ceiling: int
) -> ExportJob:
    """Gate and check the criteria, and log the export (before any row is read)."""
    if request.max_rows is not None and request.max_rows > ceiling:
        raise Invalid(
            _("max_rows may be at most {limit}.").format(limit=format_number(ceiling)),
            field="max_rows",
        )
    criteria = request.criteria()
    scope = await scope_for(session, user, criteria)
    cap = request.max_rows or ceiling
    repo = SearchRepository.from_session(session)
    export_id = await repo.log_export(user.user_id, criteria.stored(), cap)
    columns = tuple((name, COLUMNS[name]) for name in LAYOUTS[request.layout])
    return ExportJob(export_id, criteria, scope, cap, columns)


async def stream_rows(
    session: AsyncSession, job: ExportJob, today: date | None = None
) -> AsyncIterator[str]:
    """The CSV: the header line, then the rows in the search's order, ROWS_PER_CHUNK lines per
    chunk (a chunk per line cost a pass through every middleware); records the number of rows
    sent when done."""
    repo = SearchRepository.from_session(session)
    batches = repo.stream(
        job.criteria,
        job.scope,
        today=today or today_new_york(),
        limit=job.cap,
        batch=ROWS_PER_CHUNK,
    )
    yield csv_line([name for name, _ in job.columns])
    sent = 0
    async for rows in batches:
        yield csv_rows(rows, job)
        sent += len(rows)
    await repo.finish_export(job.export_id, sent)
