"""CSV export of a search: every matching row up to a cap, streamed as it is read (a server-side
cursor), in one of two layouts (every field, or the direct-mail columns), with the scores the
caller's plan includes. Each export is logged in ``search_exports`` before
the first row is sent; its row count is written once the last row has gone."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import RowMapping

from propintel.auth.models import User
from propintel.kit.clock import today_new_york
from propintel.kit.errors import Invalid
from propintel.search.criteria import SearchCriteria
from propintel.search.repository import Scope, SearchRepository, search_sql
from propintel.search.schemas import item_fields
from propintel.search.service import scope_for

Item = dict[str, Any]  # a result in PropertyItem's shape (schemas.item_fields): plan-gated


def _address(item: Item, key: str) -> Any:
    return item["address"][key]


def _owner(item: Item, key: str) -> Any:
    return item["owner"][key]


def _mailing(item: Item, key: str) -> Any:
    return item["owner"]["mailing_address"][key]


def _indicators(item: Item) -> str:
    return "; ".join(f"{i['label']} (+{i['points']})" for i in item["indicators"])


def _breakdown(item: Item) -> str:
    return "; ".join(f"{i['name']}:{i['points']}" for i in sorted(item["indicators"], key=_name))


def _name(indicator: dict[str, Any]) -> str:
    return str(indicator["name"])


Column = tuple[str, Callable[[Item], Any]]
# Everything a result carries, one column each (never phone or email).
FULL: tuple[Column, ...] = (
    ("property_id", lambda i: i["id"]),
    ("folio_number", lambda i: i["folio"]),
    ("full_address", lambda i: _address(i, "full")),
    ("city", lambda i: _address(i, "city")),
    ("zip_code", lambda i: _address(i, "zip")),
    ("latitude", lambda i: i["location"]["lat"] if i["location"] else None),
    ("longitude", lambda i: i["location"]["lon"] if i["location"] else None),
    ("property_type", lambda i: i["type"]),
    *((key, lambda i, key=key: i[key]) for key in (
        "bedrooms", "bathrooms", "square_feet", "lot_size_sqft", "year_built", "pool")),
    ("assessed_value", lambda i: i["values"]["assessed"]),
    ("market_value", lambda i: i["values"]["market"]),
    ("estimated_equity", lambda i: i["values"]["estimated_equity"]),
    ("mortgage_balance", lambda i: i["values"]["mortgage_balance"]),
    ("last_sale_price", lambda i: i["last_sale"]["price"]),
    ("last_sale_date", lambda i: i["last_sale"]["date"]),
    ("new_homeowner_sale_date", lambda i: i["new_homeowner_sale_date"]),
    ("owner_name", lambda i: _owner(i, "name")),
    ("owner_type", lambda i: _owner(i, "type")),
    ("mailing_address", lambda i: _mailing(i, "full")),
    ("mailing_street", lambda i: _mailing(i, "street")),
    ("mailing_city", lambda i: _mailing(i, "city")),
    ("mailing_state", lambda i: _mailing(i, "state")),
    ("mailing_zip", lambda i: _mailing(i, "zip")),
    ("absentee_owner", lambda i: _owner(i, "absentee")),
    ("out_of_state_owner", lambda i: _owner(i, "out_of_state")),
    ("lead_score", lambda i: i["lead_score"]),
    ("distressed_score", lambda i: i["distressed_score"]),
    ("new_homeowner_score", lambda i: i["new_homeowner_score"]),
    ("indicators", _indicators),
    ("intent_breakdown", _breakdown),
)  # fmt: skip
# What a mail house asks for: who, where to write, which property the letter is about.
MAIL: tuple[Column, ...] = (
    ("owner_name", lambda i: _owner(i, "name")),
    ("owner_first_name", lambda i: _owner(i, "first_name")),
    ("owner_last_name", lambda i: _owner(i, "last_name")),
    ("mailing_street", lambda i: _mailing(i, "street")),
    ("mailing_city", lambda i: _mailing(i, "city")),
    ("mailing_state", lambda i: _mailing(i, "state")),
    ("mailing_zip", lambda i: _mailing(i, "zip")),
    ("property_street", lambda i: _address(i, "street")),
    ("property_city", lambda i: _address(i, "city")),
    ("property_state", lambda _i: "FL"),
    ("property_zip", lambda i: _address(i, "zip")),
    ("absentee_owner", lambda i: _owner(i, "absentee")),
    ("lead_score", lambda i: i["lead_score"]),
    ("folio_number", lambda i: i["folio"]),
)
LAYOUTS: dict[str, tuple[Column, ...]] = {"full": FULL, "mail": MAIL}
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def csv_row(row: RowMapping, job: ExportJob) -> str:
    item = item_fields(row, job.scope)
    return csv_line([value(item) for _, value in job.columns])


@dataclass(frozen=True)
class ExportJob:
    export_id: uuid.UUID
    criteria: SearchCriteria
    scope: Scope
    cap: int
    columns: tuple[Column, ...]


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
    return ExportJob(export_id, criteria, scope, cap, LAYOUTS[request.layout])


async def stream_rows(
    repo: SearchRepository, job: ExportJob, today: date | None = None
) -> AsyncIterator[str]:
    """The CSV, a line at a time; records the number of rows sent when done."""
    statement = search_sql(job.criteria, job.scope, today=today or today_new_york(), limit=job.cap)
    yield csv_line([name for name, _ in job.columns])
    sent = 0
    async for row in repo.stream(statement):
        yield csv_row(row, job)
        sent += 1
    await repo.finish_export(job.export_id, sent)
