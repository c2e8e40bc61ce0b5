"""Outreach's tables (revision 0018, and the spec's conversation_history, email_workflow_logs and
crm_contacts with the columns 0018 adds), for Core statements."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
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

property_contacts = Table(
    "property_contacts",
    Base.metadata,
    Column("property_id", UUID(as_uuid=True), primary_key=True),
    Column("matched", Boolean),
    Column("phones", JSONB),
    Column("emails", JSONB),
    Column("provider", String(20)),
    Column("provider_cost", Numeric(10, 6)),
    Column("enriched_at", DateTime),
)

contact_unlocks = Table(
    "contact_unlocks",
    Base.metadata,
    Column("unlock_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("user_id", UUID(as_uuid=True)),
    Column("property_id", UUID(as_uuid=True)),
    Column("unlocked_at", DateTime),
    Column("usage_log_id", UUID(as_uuid=True)),
)

outreach_consents = Table(
    "outreach_consents",
    Base.metadata,
    Column("consent_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("user_id", UUID(as_uuid=True)),
    Column("contact", String(255)),
    Column("channel", String(10)),
    Column("source", String(50)),
    Column("evidence", Text),
    Column("consented_at", DateTime),
    Column("recorded_at", DateTime, server_default=FetchedValue()),
    Column("revoked_at", DateTime),
)

dnc_numbers = Table(
    "dnc_numbers",
    Base.metadata,
    Column("phone", String(20), primary_key=True),
    Column("area_code", String(3)),
    Column("source", String(20)),
    Column("imported_at", DateTime, server_default=FetchedValue()),
)

outreach_opt_outs = Table(
    "outreach_opt_outs",
    Base.metadata,
    Column("opt_out_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("user_id", UUID(as_uuid=True)),  # NULL: the whole platform
    Column("contact", String(255)),
    Column("channel", String(10)),
    Column("reason", String(50)),
    Column("created_at", DateTime, server_default=FetchedValue()),
)

outreach_attempts = Table(
    "outreach_attempts",
    Base.metadata,
    Column("attempt_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("user_id", UUID(as_uuid=True)),
    Column("property_id", UUID(as_uuid=True)),
    Column("lead_id", UUID(as_uuid=True)),
    Column("channel", String(10)),
    Column("contact", String(255)),
    Column("attempted_at", DateTime),
    Column("allowed", Boolean),
    Column("rule", String(40)),
    Column("message", Text),
)

# The spec's table (AI chat) with 0018's columns: a lead's SMS thread lives here too.
conversation_history = Table(
    "conversation_history",
    Base.metadata,
    Column("conversation_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("user_id", UUID(as_uuid=True)),
    Column("message_role", String(20)),  # sms: 'outbound' | 'inbound'
    Column("message_content", Text),
    Column("context_used", JSONB),
    Column("tokens_used", Integer),
    Column("cost", Numeric(10, 6)),
    Column("timestamp", DateTime, server_default=FetchedValue()),
    Column("lead_id", UUID(as_uuid=True)),
    Column("channel", String(10), server_default=FetchedValue()),
    Column("contact", String(255)),
    Column("sender", String(20)),
    Column("provider_message_id", String(64)),
    Column("delivery_status", String(20)),
    Column("usage_log_id", UUID(as_uuid=True)),
    Column("read_at", DateTime),
)

email_sequences = Table(
    "email_sequences",
    Base.metadata,
    Column("sequence_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("user_id", UUID(as_uuid=True)),
    Column("lead_id", UUID(as_uuid=True)),
    Column("name", String(255)),
    Column("to_email", String(255)),
    Column("steps", JSONB),  # [{"day": 0, "subject": "...", "body": "..."}, ...]
    Column("status", String(20), server_default=FetchedValue()),
    Column("pause_reason", String(30)),
    Column("next_step", Integer, server_default=FetchedValue()),
    Column("next_send_at", DateTime),
    Column("started_at", DateTime, server_default=FetchedValue()),
    Column("updated_at", DateTime, server_default=FetchedValue()),
)

# The spec's table with 0018's columns.
email_workflow_logs = Table(
    "email_workflow_logs",
    Base.metadata,
    Column("log_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("user_id", UUID(as_uuid=True)),
    Column("lead_id", UUID(as_uuid=True)),
    Column("email_type", String(50)),
    Column("email_subject", String(255)),
    Column("sent_at", DateTime),
    Column("opened_at", DateTime),
    Column("clicked_at", DateTime),
    Column("replied_at", DateTime),
    Column("sendgrid_message_id", String(255)),
    Column("to_email", String(255)),
    Column("sequence_id", UUID(as_uuid=True)),
    Column("step_number", Integer),
    Column("status", String(20), server_default=FetchedValue()),
    Column("bounced_at", DateTime),
    Column("unsubscribed_at", DateTime),
    Column("usage_log_id", UUID(as_uuid=True)),
)

crm_connections = Table(
    "crm_connections",
    Base.metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("provider", String(20), server_default=FetchedValue()),
    Column("base_url", Text),
    Column("api_key_encrypted", Text),
    Column("connected_at", DateTime, server_default=FetchedValue()),
)

# The spec's table with 0018's columns.
crm_contacts = Table(
    "crm_contacts",
    Base.metadata,
    Column("contact_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("user_id", UUID(as_uuid=True)),
    Column("property_id", UUID(as_uuid=True)),
    Column("name", String(255)),
    Column("phone", String(20)),
    Column("email", String(255)),
    Column("intent_rating", Integer),
    Column("pipeline_stage", String(50)),
    Column("notes", Text),
    Column("twenty_contact_id", String(255)),
    Column("synced_at", DateTime),
    Column("created_at", DateTime, server_default=FetchedValue()),
    Column("updated_at", DateTime, server_default=FetchedValue()),
    Column("lead_id", UUID(as_uuid=True)),
    Column("twenty_opportunity_id", String(255)),
    Column("sync_status", String(20), server_default=FetchedValue()),
    Column("sync_error", Text),
    Column("sync_attempts", Integer, server_default=FetchedValue()),
    Column("next_sync_at", DateTime),
)
