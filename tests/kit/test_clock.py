"""New York time: API JSON shows the offset of the stored wall-clock time, summer and winter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import BaseModel

from propintel.kit.clock import NewYorkDatetime, now_new_york, seconds_until


class Stamped(BaseModel):
    at: NewYorkDatetime
    maybe: NewYorkDatetime | None = None


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (datetime(2026, 7, 13, 9, 30), "2026-07-13T09:30:00-04:00"),  # daylight saving time
        (datetime(2026, 1, 13, 9, 30), "2026-01-13T09:30:00-05:00"),
        (datetime(2026, 1, 13, 14, 30, tzinfo=UTC), "2026-01-13T14:30:00Z"),  # aware: as it is
    ],
)
def test_json_shows_the_offset(stored: datetime, shown: str) -> None:
    assert Stamped(at=stored).model_dump(mode="json") == {"at": shown, "maybe": None}


def test_python_dumps_keep_the_stored_value() -> None:
    stored = datetime(2026, 7, 13, 9, 30)
    assert Stamped(at=stored).model_dump()["at"] == stored


def test_seconds_until_counts_real_seconds() -> None:
    in_a_day = now_new_york() + timedelta(days=1)
    assert abs(seconds_until(in_a_day) - 86_400) <= 3_601  # a day of wall clock, ±1 h across DST
    assert seconds_until(now_new_york() - timedelta(minutes=5)) == 0
