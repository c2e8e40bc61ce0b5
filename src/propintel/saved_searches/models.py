"""The saved search table (``saved_searches``) and its alert frequencies."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from propintel.db.base import Base
from propintel.kit.i18n import N_, _


class AlertFrequency(enum.StrEnum):
    NONE = "none"
    DAILY = "daily"
    WEEKLY = "weekly"


FREQUENCY_NAMES = {"none": N_("never"), "daily": N_("daily"), "weekly": N_("weekly")}


def frequency_name(frequency: str | None) -> str:
    """An alert frequency for people: "never", "daily", "weekly" (in the current locale)."""
    name = FREQUENCY_NAMES.get(frequency or "none")
    return _(name) if name else str(frequency)


class SavedSearch(Base):
    __tablename__ = "saved_searches"

    search_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("uuid_generate_v4()")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"))
    search_name: Mapped[str | None] = mapped_column(String(255))
    search_criteria: Mapped[dict[str, Any]] = mapped_column(JSONB)
    alert_frequency: Mapped[str | None] = mapped_column(String(20))
    last_run_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
