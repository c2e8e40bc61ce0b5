"""Billing's tables (revision 0007), for Core statements: only the columns billing's queries use."""

from __future__ import annotations

from typing import cast

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    Numeric,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from propintel.auth.models import User
from propintel.db.base import Base

# auth's model: billing writes only its Stripe customer and plan columns
users = cast(Table, User.__table__)

billing_subscriptions = Table(
    "billing_subscriptions",
    Base.metadata,
    Column("subscription_id", String(255), primary_key=True),
    Column("user_id", UUID(as_uuid=True)),
    Column("plan_id", UUID(as_uuid=True)),
    Column("billing_interval", String(10)),
    Column("status", String(20)),
    Column("current_period_end", DateTime),
    Column("cancel_at_period_end", Boolean),
    Column("last_event_created", DateTime),
    Column("updated_at", DateTime),
)

billing_invoices = Table(
    "billing_invoices",
    Base.metadata,
    Column("invoice_id", String(255), primary_key=True),
    Column("user_id", UUID(as_uuid=True)),
    Column("subscription_id", String(255)),
    Column("plan_id", UUID(as_uuid=True)),
    Column("amount_paid", Numeric(10, 2)),
    Column("tokens_granted", Integer),
    Column("transaction_id", UUID(as_uuid=True)),
    Column("paid_at", DateTime),
)

# The offline payment simulator's state (billing/local.py).
local_checkout_sessions = Table(
    "local_checkout_sessions",
    Base.metadata,
    Column("session_id", String(64), primary_key=True),
    Column("params", JSONB),
    Column("status", String(10)),
)

local_payment_methods = Table(
    "local_payment_methods",
    Base.metadata,
    Column("customer_id", String(64), primary_key=True),
    Column("card_last4", String(4)),
    Column("declines_off_session", Boolean),
)
