"""ORM model of ``token_reservations`` (revision 0006) and Core tables of the other ledger tables
(only the columns the repositories use). Every balance change is one guarded statement in
``repository.py``."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import cast

from sqlalchemy import Column, DateTime, ForeignKey, Integer, Numeric, String, Table, Text, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from propintel.auth.models import User
from propintel.db.base import Base


class ReservationStatus(enum.StrEnum):
    HELD = "held"
    SETTLED = "settled"
    RELEASED = "released"


class TransactionType(enum.StrEnum):
    """``token_transactions.transaction_type`` values written by the ledger (all counted by the
    reconciliation: none is a mirror of a purchase or usage row)."""

    ADMIN_GRANT = "admin_grant"
    ADMIN_DEDUCT = "admin_deduct"
    REFUND = "refund"
    RESERVATION = "reservation"
    RESERVATION_RELEASE = "reservation_release"
    PLAN_ALLOWANCE = "plan_allowance"


class TokenReservation(Base):
    __tablename__ = "token_reservations"

    reservation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("uuid_generate_v4()")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"))
    action_type: Mapped[str] = mapped_column(String(50))
    unit_tokens: Mapped[int] = mapped_column(Integer)
    tokens_held: Mapped[int] = mapped_column(Integer)
    tokens_charged: Mapped[int | None] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), server_default=text("'held'"))
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    settled_at: Mapped[datetime | None]


# Core tables: statements over them do not autoflush the session or touch its identity map,
# exactly as the hand-written statements they replace.
token_reservations = cast(Table, TokenReservation.__table__)

# The ledger's columns of ``users`` (auth's model; tokens writes only the balance, the
# preferences and the suspension).
users = cast(Table, User.__table__)

token_usage_logs = Table(
    "token_usage_logs",
    Base.metadata,
    Column("log_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True)),
    Column("action_type", String(50)),
    Column("tokens_used", Integer),
    Column("timestamp", DateTime),
)

token_transactions = Table(
    "token_transactions",
    Base.metadata,
    Column("transaction_id", UUID(as_uuid=True), primary_key=True),
    Column("transaction_type", String(20)),
    Column("usage_log_id", UUID(as_uuid=True)),
)

company_token_pool = Table(
    "company_token_pool",
    Base.metadata,
    Column("pool_id", UUID(as_uuid=True), primary_key=True),
    Column("total_tokens", Integer),
    Column("tokens_purchased", Integer),
    Column("tokens_consumed", Integer),
    Column("updated_at", DateTime),
)

billing_recharges = Table(
    "billing_recharges",
    Base.metadata,
    Column(
        "recharge_id",
        UUID(as_uuid=True),
        primary_key=True,
        server_default=text("uuid_generate_v4()"),
    ),
    Column("user_id", UUID(as_uuid=True)),
    Column("tokens", Integer),
    Column("amount", Numeric(10, 2)),
    Column("status", String(10)),
    Column("payment_intent_id", String(255)),
    Column("failure_message", Text),
    Column("created_at", DateTime),
    Column("finished_at", DateTime),
)
