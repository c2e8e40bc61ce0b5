"""ORM models of ``saved_leads`` (spec section 5), a lead's history (``lead_events``, revision
0010) and its follow-up tasks (``lead_tasks``, revision 0015). The pipeline's statuses and their
legal moves live here too, and the rows lists of leads and tasks are made of."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    column,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from propintel.db.base import Base
from propintel.kit.i18n import N_, _


class LeadStatus(enum.StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    APPOINTMENT = "appointment"
    WON = "won"
    LOST = "lost"

    @property
    def label(self) -> str:
        """The status for people, capitalised (a column's title): "Contacted" / "Contactado"."""
        return _(_STATUS_LABELS[self])

    def allowed_moves(self) -> tuple[LeadStatus, ...]:
        """Where a lead in this status may go: one step forward or back along the pipeline,
        any open lead to lost, a lost lead reopened as new. Won is final."""
        return _MOVES[self]


def move_label(current: str, target: LeadStatus) -> str:
    """The button text of a move: "Mark lost", "Reopen", or an arrow along the pipeline."""
    if target == LeadStatus.LOST:
        return _("Mark lost")
    if current == LeadStatus.LOST:
        return _("Reopen")
    forward = PIPELINE.index(target) > PIPELINE.index(LeadStatus(current))
    return f"{target.label} →" if forward else f"← {target.label}"


def lead_moves(status: str) -> tuple[LeadStatus, ...]:
    return LeadStatus(status).allowed_moves()


def status_name(status: str | None) -> str:
    """A status inside a sentence, in lower case: "contacted" / "contactado"."""
    if status not in _STATUS_LABELS:
        return status or "—"
    return LeadStatus(status).label.lower()


_STATUS_LABELS: dict[str, str] = {
    "new": N_("New"),
    "contacted": N_("Contacted"),
    "qualified": N_("Qualified"),
    "appointment": N_("Appointment"),
    "won": N_("Won"),
    "lost": N_("Lost"),
}


PIPELINE = (
    LeadStatus.NEW,
    LeadStatus.CONTACTED,
    LeadStatus.QUALIFIED,
    LeadStatus.APPOINTMENT,
    LeadStatus.WON,
)
_MOVES: dict[LeadStatus, tuple[LeadStatus, ...]] = {
    LeadStatus.NEW: (LeadStatus.CONTACTED, LeadStatus.LOST),
    LeadStatus.CONTACTED: (LeadStatus.QUALIFIED, LeadStatus.NEW, LeadStatus.LOST),
    LeadStatus.QUALIFIED: (LeadStatus.APPOINTMENT, LeadStatus.CONTACTED, LeadStatus.LOST),
    LeadStatus.APPOINTMENT: (LeadStatus.WON, LeadStatus.QUALIFIED, LeadStatus.LOST),
    LeadStatus.WON: (),
    LeadStatus.LOST: (LeadStatus.NEW,),
}


class EventKind(enum.StrEnum):
    NOTE = "note"
    CONTACT = "contact"
    STATUS = "status"


class ContactChannel(enum.StrEnum):
    CALL = "call"
    EMAIL = "email"
    SMS = "sms"
    IN_PERSON = "in_person"
    MAIL = "mail"
    OTHER = "other"


_CHANNEL_NAMES: dict[str, str] = {
    "call": N_("call"),
    "email": N_("email"),
    "sms": N_("SMS"),
    "in_person": N_("in person"),
    "mail": N_("mail"),
    "other": N_("other"),
}


def channel_name(channel: str | None) -> str:
    """A contact channel in a sentence: "in person" / "en persona"."""
    if not channel:
        return "—"
    name = _CHANNEL_NAMES.get(channel)
    return _(name) if name else channel.replace("_", " ")


class SavedLead(Base):
    __tablename__ = "saved_leads"

    lead_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("uuid_generate_v4()")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"))
    # properties has no ORM model (it is read and written with SQL): a plain column here.
    property_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    lead_source: Mapped[str | None] = mapped_column(String(50))
    lead_score: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(50), server_default=text("'new'"))
    notes: Mapped[str | None] = mapped_column(Text)
    contact_attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    last_contact_date: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    updated_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    # Revision 0015: the subscriber's labels (kit/tags.py); a list is the leads of one tag.
    tags: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))


class LeadEvent(Base):
    __tablename__ = "lead_events"

    event_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("uuid_generate_v4()")
    )
    # Insertion order: events written in one transaction share created_at.
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True))
    lead_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("saved_leads.lead_id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    body: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(50))
    to_status: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


class LeadTask(Base):
    """A follow-up: something to do about a lead by a New York date; ``done_at`` once done."""

    __tablename__ = "lead_tasks"

    task_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("uuid_generate_v4()")
    )
    lead_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("saved_leads.lead_id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date]
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


# Today's digest of a user's tasks, recorded once it is sent (revision 0015).
lead_task_digests = Table(
    "lead_task_digests",
    Base.metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("sent_on", Date),
    Column("sent_at", DateTime),
)

# Other domains' tables that leads reads, without a place in the shared metadata: ``properties``
# (ingest's facts, scoring's scores) and the outreach logs that keep a lead alive.
properties_table = table(
    "properties",
    column("property_id", UUID(as_uuid=True)),
    column("full_address", Text),
    column("street_address", String(255)),
    column("city", String(100)),
    column("zip_code", String(10)),
    column("folio_number", String(50)),
    column("property_type", String(50)),
    column("bedrooms", Integer),
    column("bathrooms", Numeric(3, 1)),
    column("square_feet", Integer),
    column("lot_size_sqft", Integer),
    column("year_built", Integer),
    column("pool", Boolean),
    column("owner_name", String(255)),
    column("mailing_address", Text),
    column("out_of_state_owner", Boolean),
    column("market_value", Integer),
    column("assessed_value", Integer),
    column("last_sale_price", Integer),
    column("last_sale_date", Date),
    column("estimated_equity", Integer),
    column("mortgage_balance", Integer),
    column("distressed_score", Integer),
    column("new_homeowner_score", Integer),
    column("is_new_homeowner", Boolean),
    column("days_since_sale", Integer),
    column("intent_breakdown", JSONB),
    column("has_tax_lien", Boolean),
    column("has_code_violation", Boolean),
    column("is_pre_foreclosure", Boolean),
    column("is_foreclosure", Boolean),
    column("is_vacant", Boolean),
    column("is_probate", Boolean),
    column("is_divorce", Boolean),
    column("is_heirship", Boolean),
    column("data_quality_score", Integer),
)
ai_voice_call_logs = table("ai_voice_call_logs", column("lead_id", UUID(as_uuid=True)))
email_workflow_logs = table("email_workflow_logs", column("lead_id", UUID(as_uuid=True)))


# The largest ``min_score`` filter: scores are points (the search's own bound); a larger number
# would not fit the INTEGER it is compared with.
MAX_SCORE = 10_000


@dataclass(frozen=True)
class LeadFilters:
    """Which of a user's leads a list shows (None: any)."""

    status: str | None = None
    lead_source: str | None = None
    min_score: int | None = None
    address: str | None = None
    tag: str | None = None


@dataclass(frozen=True)
class LeadRow:
    """A lead with the address and zip of its property, for lists and cards."""

    lead: SavedLead
    full_address: str
    zip_code: str | None


@dataclass(frozen=True)
class TaskRow:
    """An open task with the address of its lead's property, for lists across leads."""

    task: LeadTask
    full_address: str
