"""The local simulators' tables, for Core statements: the email outbox (revision 0010), the CRM
and SMS simulators (0018), the telephone network (0024)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, FetchedValue, Integer, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from propintel.db.base import Base

email_outbox = Table(
    "email_outbox",
    Base.metadata,
    Column("email_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("user_id", UUID(as_uuid=True)),
    Column("to_email", String(255)),
    Column("from_email", String(255)),
    Column("subject", String(255)),
    Column("text_body", Text),
    Column("html_body", Text),
    Column("category", String(50)),
    Column("created_at", DateTime),
    Column("headers", JSONB, server_default=FetchedValue()),
)

# The offline CRM simulator's store: what a Twenty workspace would hold.
local_crm_records = Table(
    "local_crm_records",
    Base.metadata,
    Column("record_id", String(64), primary_key=True),
    Column("user_id", UUID(as_uuid=True)),
    Column("kind", String(20)),
    Column("payload", JSONB),
    Column("created_at", DateTime, server_default=FetchedValue()),
    Column("updated_at", DateTime, server_default=FetchedValue()),
)

# The offline SMS simulator's network: every text it carried, both ways.
local_sms_messages = Table(
    "local_sms_messages",
    Base.metadata,
    Column("message_sid", String(64), primary_key=True),
    Column("from_number", String(20)),
    Column("to_number", String(20)),
    Column("body", Text),
    Column("status", String(20)),
    Column("status_callback", Text),
    Column("created_at", DateTime, server_default=FetchedValue()),
)

# The offline telephone network (0024): the numbers it issued and every call it carried.
local_phone_numbers = Table(
    "local_phone_numbers",
    Base.metadata,
    Column("phone_sid", String(64), primary_key=True),
    Column("phone_number", String(20)),
    Column("friendly_name", String(64)),
    Column("voice_url", Text),
    Column("status_callback", Text),
    Column("created_at", DateTime, server_default=FetchedValue()),
    Column("released_at", DateTime),
)

local_voice_calls = Table(
    "local_voice_calls",
    Base.metadata,
    Column("call_sid", String(64), primary_key=True),
    Column("direction", String(20)),
    Column("from_number", String(20)),
    Column("to_number", String(20)),
    Column("status", String(20)),
    Column("url", Text),
    Column("status_callback", Text),
    Column("time_limit", Integer),
    Column("machine_detection", Boolean, server_default=FetchedValue()),
    Column("answered_by", String(30)),
    Column("created_at", DateTime, server_default=FetchedValue()),
    Column("answered_at", DateTime),
    Column("ended_at", DateTime),
)
