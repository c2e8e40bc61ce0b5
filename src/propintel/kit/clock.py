"""Business time. The spec stores TIMESTAMP without zone, meaning New York wall-clock time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")


def now_new_york() -> datetime:
    """Naive New York wall-clock time, the form the spec's TIMESTAMP columns hold."""
    return datetime.now(NEW_YORK).replace(tzinfo=None)


def today_new_york() -> date:
    return datetime.now(NEW_YORK).date()
