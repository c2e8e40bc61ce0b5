"""ORM model of ``token_reservations`` (revision 0006). The spec's token tables are written with
set-based SQL in ``repository.py``: every balance change is one guarded statement there."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

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
