"""Voice's tables, for Core statements: the spec's ``subscriber_phone_numbers``,
``ai_voice_call_logs`` and ``calendar_integrations`` with revision 0024's columns, and
``phone_number_costs`` and ``calendar_events`` (revision 0024)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    FetchedValue,
    Integer,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from propintel.db.base import Base


def _id(name: str) -> Column[object]:
    return Column(name, UUID(as_uuid=True), primary_key=True, server_default=FetchedValue())


phone_numbers = Table(
    "subscriber_phone_numbers",
    Base.metadata,
    _id("phone_id"),
    Column("user_id", UUID(as_uuid=True)),
    Column("phone_number", String(20)),
    Column("twilio_sid", String(255)),
    Column("is_active", Boolean, server_default=FetchedValue()),
    Column("created_at", DateTime, server_default=FetchedValue()),
    Column("friendly_name", String(64)),
    Column("provider", String(20), server_default=FetchedValue()),
    Column("monthly_cost_usd", Numeric(10, 4)),
    Column("released_at", DateTime),
)

phone_number_costs = Table(
    "phone_number_costs",
    Base.metadata,
    _id("cost_id"),
    Column("phone_id", UUID(as_uuid=True)),
    Column("user_id", UUID(as_uuid=True)),
    Column("period_start", Date),
    Column("cost_usd", Numeric(10, 4)),
    Column("recorded_at", DateTime, server_default=FetchedValue()),
)

calls = Table(
    "ai_voice_call_logs",
    Base.metadata,
    _id("call_id"),
    Column("user_id", UUID(as_uuid=True)),
    Column("lead_id", UUID(as_uuid=True)),
    Column("call_type", String(20)),  # outbound or inbound
    Column("script_used", UUID(as_uuid=True)),
    Column("phone_number", String(20)),  # the other party: the callee, or the caller
    Column("call_transcript", Text),
    Column("call_outcome", String(50)),
    Column("duration_seconds", Integer),
    Column("tokens_used", Integer),
    Column("cost", Numeric(10, 6)),
    Column("twilio_call_sid", String(255)),
    Column("created_at", DateTime, server_default=FetchedValue()),
    Column("status", String(20), server_default=FetchedValue()),
    Column("template_id", UUID(as_uuid=True)),
    Column("from_number", String(20)),  # ours: the number we called from, or that was called
    Column("language", String(5), server_default=FetchedValue()),
    Column("time_limit_seconds", Integer),
    Column("reservation_id", UUID(as_uuid=True)),
    Column("usage_log_id", UUID(as_uuid=True)),
    Column("turns", JSONB, server_default=FetchedValue()),
    Column("answered_by", String(30)),
    Column("message", Text),
    Column("appointment_at", DateTime),
    Column("answered_at", DateTime),
    Column("ended_at", DateTime),
    Column("error", Text),
    Column("updated_at", DateTime, server_default=FetchedValue()),
)

calendars = Table(
    "calendar_integrations",
    Base.metadata,
    _id("integration_id"),
    Column("user_id", UUID(as_uuid=True)),
    Column("provider", String(20)),  # google, microsoft or local
    Column("oauth_refresh_token", Text),  # encrypted (kit/secretbox)
    Column("calendar_id", String(255)),
    Column("sync_enabled", Boolean, server_default=FetchedValue()),
    Column("last_synced_at", DateTime),
    Column("status", String(20), server_default=FetchedValue()),  # connected or broken
    Column("broken_reason", Text),
    Column("broken_at", DateTime),
    Column("account_email", String(255)),
    Column("feed_token", String(64)),
    Column("time_zone", String(64), server_default=FetchedValue()),
    Column("connected_at", DateTime, server_default=FetchedValue()),
)

calendar_events = Table(
    "calendar_events",
    Base.metadata,
    _id("event_id"),
    Column("user_id", UUID(as_uuid=True)),
    Column("lead_id", UUID(as_uuid=True)),
    Column("call_id", UUID(as_uuid=True)),
    Column("integration_id", UUID(as_uuid=True)),
    Column("provider", String(20)),
    Column("idempotency_key", String(64)),
    Column("external_id", String(255)),
    Column("summary", String(255)),
    Column("description", Text),
    Column("location", Text),
    Column("attendee_email", String(255)),
    Column("starts_at", DateTime),
    Column("ends_at", DateTime),
    Column("status", String(20), server_default=FetchedValue()),  # pending, booked, failed
    Column("error", Text),
    Column("created_at", DateTime, server_default=FetchedValue()),
    Column("booked_at", DateTime),
)
