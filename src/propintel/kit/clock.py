"""Business time. The spec stores TIMESTAMP without zone, meaning New York wall-clock time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import PlainSerializer

NEW_YORK = ZoneInfo("America/New_York")


def now_new_york() -> datetime:
    """Naive New York wall-clock time, the form the spec's TIMESTAMP columns hold."""
    return datetime.now(NEW_YORK).replace(tzinfo=None)


def today_new_york() -> date:
    return datetime.now(NEW_YORK).date()


def in_new_york(value: datetime) -> datetime:
    """``value`` with its offset: a naive value is New York wall-clock time (a TIMESTAMP column).

    In the hour repeated when daylight saving time ends, a naive value is read as the first one.
    An aware value is returned as it is.
    """
    return value.replace(tzinfo=NEW_YORK) if value.tzinfo is None else value


def seconds_until(value: datetime) -> int:
    """Whole seconds from now until ``value`` (naive: New York wall-clock time), at least 0."""
    return max(0, int((in_new_york(value) - datetime.now(UTC)).total_seconds()))


NewYorkDatetime = Annotated[
    datetime, PlainSerializer(in_new_york, return_type=datetime, when_used="json")
]
"""A datetime that JSON output (API responses) shows with its offset: ``2026-07-13T09:30:00-04:00``.

Models hold the naive New York values of the database as they are; only JSON gains the offset, so
API clients never have to guess the zone.
"""
