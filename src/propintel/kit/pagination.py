"""Keyset pagination, the one way every listing pages (API and pages alike); no listing uses OFFSET.

A listing is ordered by a key that ends in a unique column (``created_at DESC, lead_id DESC``).
A page is fetched with ``LIMIT limit + 1`` rows after the previous page's last key; the extra row
only tells whether there is a next page. The cursor handed to clients is opaque (base64 of JSON),
but it is not trusted:

- it names its **listing** (a leads cursor is refused by the audit log),
- it carries a **fingerprint of the criteria** it was made for (filters, sort), so a cursor never
  continues a different search, and
- each key part is **parsed back by a declared type** (``KeyPart``), so a forged cursor gets a
  clear 422 (``Invalid``, field ``cursor``), never a database error.

Usage::

    LEADS = Listing("leads", (KeyPart.DATETIME, KeyPart.UUID))
    after = LEADS.decode(cursor, bound_to=filters_fingerprint) if cursor else None
    rows = await repo.page(filters, after, limit + 1)
    return LEADS.page(rows, limit, key=lambda row: (row.updated_at, row.lead_id), bound_to=...)
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from propintel.kit.errors import Invalid
from propintel.kit.i18n import N_, gettext

T = TypeVar("T")
U = TypeVar("U")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# A key's text part is at most a column's 255 characters, 6 bytes each at worst in JSON (a
# control character's \u escape): with the other parts, about 2,300 characters of base64.
MAX_CURSOR_LENGTH = 4096

_NOT_OURS = N_("This page link (cursor) is not valid; start again from the first page.")
_OTHER_LISTING = N_(
    "This page link (cursor) belongs to another list or search; start again from the first page."
)

# PostgreSQL's BIGINT range: a cursor integer outside it would fail in the database, not here.
_BIGINT = 2**63


class Page(BaseModel, Generic[T]):
    """One page of a listing: its items and the cursor of the next page (None on the last)."""

    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; null on the last page."
    )


def _as_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not -_BIGINT <= value < _BIGINT:
        raise TypeError("not an integer key")
    return value


def _as_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("not a numeric key")
    return float(value)


def _as_text(value: Any) -> str:
    if not isinstance(value, str) or "\x00" in value:
        raise TypeError("not a text key")
    return value


def _as_uuid(value: Any) -> uuid.UUID:
    return uuid.UUID(_as_text(value))


def _as_datetime(value: Any) -> datetime:
    return datetime.fromisoformat(_as_text(value))


def _as_date(value: Any) -> date:
    return date.fromisoformat(_as_text(value))


def _as_decimal(value: Any) -> Decimal:
    number = Decimal(_as_text(value))
    if not number.is_finite():
        raise ValueError("not a finite decimal")
    return number


class KeyPart(enum.Enum):
    """The type of one part of a sort key, and how it is read back from a cursor."""

    INT = (_as_int,)
    NUMBER = (_as_number,)
    TEXT = (_as_text,)
    UUID = (_as_uuid,)
    DATETIME = (_as_datetime,)
    DATE = (_as_date,)
    DECIMAL = (_as_decimal,)

    def parse(self, value: Any) -> Any:
        parser: Callable[[Any], Any] = self.value[0]
        return None if value is None else parser(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def fingerprint(criteria: Mapping[str, Any] | BaseModel | None) -> str:
    """A short digest of the criteria a cursor is bound to (filters, sort); '' for none."""
    if criteria is None:
        return ""
    data = criteria.model_dump(mode="json") if isinstance(criteria, BaseModel) else criteria
    canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Listing:
    """A paginated listing: its name and the types of its sort key's parts."""

    name: str
    key: tuple[KeyPart, ...]

    def encode(self, key: Sequence[Any], *, bound_to: str = "") -> str:
        """The cursor that continues after the row whose sort key is ``key``."""
        payload = [self.name, bound_to, [_json_value(part) for part in key]]
        raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, token: str, *, bound_to: str = "") -> tuple[Any, ...]:
        """The sort key ``token`` continues after; ``Invalid`` (field ``cursor``) when it was not
        made by this listing for these criteria, or does not parse."""
        try:
            if len(token) > MAX_CURSOR_LENGTH:
                raise ValueError("too long")
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            name, bound, parts = json.loads(raw)
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as error:
            raise Invalid(gettext(_NOT_OURS), field="cursor") from error
        if name != self.name or bound != bound_to:
            raise Invalid(gettext(_OTHER_LISTING), field="cursor")
        # A key ends in a unique column, never NULL (earlier parts may be: a nullable sort column).
        if not isinstance(parts, list) or len(parts) != len(self.key) or parts[-1] is None:
            raise Invalid(gettext(_NOT_OURS), field="cursor")
        try:
            return tuple(kind.parse(part) for kind, part in zip(self.key, parts, strict=True))
        except (ValueError, TypeError, AttributeError, InvalidOperation) as error:
            raise Invalid(gettext(_NOT_OURS), field="cursor") from error

    def decode_optional(self, token: str | None, *, bound_to: str = "") -> tuple[Any, ...] | None:
        return self.decode(token, bound_to=bound_to) if token else None

    def page(
        self,
        rows: Sequence[U],
        limit: int,
        key: Callable[[U], Sequence[Any]],
        *,
        bound_to: str = "",
    ) -> tuple[list[U], str | None]:
        """The first ``limit`` of ``rows`` (fetched as ``limit + 1``) and the next page's cursor."""
        items = list(rows[:limit])
        if len(rows) <= limit or not items:
            return items, None
        return items, self.encode(key(items[-1]), bound_to=bound_to)
