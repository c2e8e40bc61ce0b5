"""Times shown to people: a naive value is New York wall-clock time and is shown as it is."""

from __future__ import annotations

from datetime import UTC, datetime

from propintel.kit.i18n import format_datetime, using_locale


def test_a_naive_new_york_time_is_shown_unchanged() -> None:
    with using_locale("en"):
        assert format_datetime(datetime(2026, 7, 2, 8, 0)) == "7/2/26, 8:00\u202fAM"
        assert format_datetime(datetime(2026, 1, 15, 20, 30)) == "1/15/26, 8:30\u202fPM"


def test_an_aware_time_is_shown_in_new_york() -> None:
    with using_locale("en"):
        assert format_datetime(datetime(2026, 7, 2, 12, 0, tzinfo=UTC)) == "7/2/26, 8:00\u202fAM"
