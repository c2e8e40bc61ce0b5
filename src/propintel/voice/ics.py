"""The local calendar's ICS feed (RFC 5545, ``icalendar``): one VEVENT per booked appointment,
UID ``<idempotency key>@propintel`` (stable, so a calendar app that subscribes updates the event
rather than adding it twice), times in America/New_York with their TZID."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText

from propintel.kit.clock import NEW_YORK, in_new_york

PRODID = "-//PropIntel//AI call appointments//EN"


@dataclass(frozen=True)
class FeedEvent:
    key: str
    summary: str
    description: str | None
    location: str | None
    attendee_email: str | None
    starts_at: datetime  # naive New York
    ends_at: datetime
    stamp: datetime  # naive New York: when it was booked


def feed(events: Sequence[FeedEvent], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", NEW_YORK.key)
    for item in events:
        event = Event()
        event.add("uid", f"{item.key}@propintel")
        event.add("dtstamp", in_new_york(item.stamp).astimezone(UTC))
        event.add("dtstart", in_new_york(item.starts_at))
        event.add("dtend", in_new_york(item.ends_at))
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.attendee_email:
            attendee = vCalAddress(f"mailto:{item.attendee_email}")
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", attendee, encode=False)
        calendar.add_component(event)
    calendar.add_missing_timezones()  # the VTIMEZONE of America/New_York
    return calendar.to_ical()
