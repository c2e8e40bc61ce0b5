"""E-mail outreach's queries: the send log (``email_workflow_logs``), a lead's sequences
(``email_sequences``) and the sender's account (docs/outreach/email.md).

Every read for a subscriber is scoped by ``user_id``; the webhook handlers and the sequence job
find rows by the provider's message id or by id and act for the row's own subscriber."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    func,
    insert,
    select,
    tuple_,
    update,
)

from propintel.auth.models import User
from propintel.db.repository import Repository
from propintel.outreach.tables import email_sequences, email_workflow_logs

_logs = email_workflow_logs
_seqs = email_sequences

_LOG_COLUMNS = (
    _logs.c.log_id,
    _logs.c.user_id,
    _logs.c.lead_id,
    _logs.c.email_type,
    _logs.c.email_subject,
    _logs.c.sent_at,
    _logs.c.opened_at,
    _logs.c.clicked_at,
    _logs.c.replied_at,
    _logs.c.bounced_at,
    _logs.c.unsubscribed_at,
    _logs.c.sendgrid_message_id,
    _logs.c.to_email,
    _logs.c.sequence_id,
    _logs.c.step_number,
    _logs.c.status,
    _logs.c.usage_log_id,
)

_SEQ_COLUMNS = (
    _seqs.c.sequence_id,
    _seqs.c.user_id,
    _seqs.c.lead_id,
    _seqs.c.name,
    _seqs.c.to_email,
    _seqs.c.steps,
    _seqs.c.status,
    _seqs.c.pause_reason,
    _seqs.c.next_step,
    _seqs.c.next_send_at,
    _seqs.c.started_at,
    _seqs.c.updated_at,
)

OPEN_STATUSES = ("active", "paused")


@dataclass(frozen=True)
class EmailLog:
    log_id: uuid.UUID
    user_id: uuid.UUID
    lead_id: uuid.UUID | None
    email_type: str
    email_subject: str
    sent_at: datetime
    opened_at: datetime | None
    clicked_at: datetime | None
    replied_at: datetime | None
    bounced_at: datetime | None
    unsubscribed_at: datetime | None
    sendgrid_message_id: str | None
    to_email: str
    sequence_id: uuid.UUID | None
    step_number: int | None
    status: str
    usage_log_id: uuid.UUID | None


@dataclass(frozen=True)
class EmailSequence:
    sequence_id: uuid.UUID
    user_id: uuid.UUID
    lead_id: uuid.UUID
    name: str
    to_email: str
    steps: list[dict[str, Any]]
    status: str
    pause_reason: str | None
    next_step: int
    next_send_at: datetime | None
    started_at: datetime
    updated_at: datetime

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class SequenceFlags:
    """What the sequence's e-mails met: a bounce, an unsubscribe, a reply after ``since``."""

    bounced: bool
    unsubscribed: bool
    replied: bool


class EmailRepository(Repository):
    # ---- the send log ----------------------------------------------------------------------

    async def add_log(self, **values: Any) -> None:
        await self.session.execute(insert(_logs).values(**values))

    async def log(self, log_id: uuid.UUID, user_id: uuid.UUID | None = None) -> EmailLog | None:
        """One log row (``user_id`` None: anyone's, for the handlers)."""
        conditions: list[ColumnElement[bool]] = [_logs.c.log_id == log_id]
        if user_id is not None:
            conditions.append(_logs.c.user_id == user_id)
        row = (await self.session.execute(select(*_LOG_COLUMNS).where(*conditions))).first()
        return EmailLog(**row._mapping) if row else None

    async def log_by_message_ids(self, message_ids: list[str]) -> EmailLog | None:
        """The log whose provider message id is one of ``message_ids`` (the longest first)."""
        if not message_ids:
            return None
        statement = (
            select(*_LOG_COLUMNS)
            .where(_logs.c.sendgrid_message_id.in_(message_ids))
            .order_by(func.length(_logs.c.sendgrid_message_id).desc(), _logs.c.log_id)
            .limit(1)
        )
        row = (await self.session.execute(statement)).first()
        return EmailLog(**row._mapping) if row else None

    async def logs_page(
        self,
        user_id: uuid.UUID,
        lead_id: uuid.UUID,
        after: tuple[Any, ...] | None,
        limit: int,
    ) -> list[EmailLog]:
        """A lead's e-mails, newest first, keyset by (sent_at, log_id)."""
        conditions = [_logs.c.user_id == user_id, _logs.c.lead_id == lead_id]
        if after is not None:
            conditions.append(tuple_(_logs.c.sent_at, _logs.c.log_id) < after)
        statement = (
            select(*_LOG_COLUMNS)
            .where(*conditions)
            .order_by(_logs.c.sent_at.desc(), _logs.c.log_id.desc())
            .limit(limit)
        )
        return [EmailLog(**row._mapping) for row in await self.session.execute(statement)]

    async def set_first(self, log_id: uuid.UUID, column_name: str, at: datetime) -> bool:
        """Set the log's ``column_name`` (opened_at, clicked_at, bounced_at, replied_at,
        unsubscribed_at) to ``at`` unless it is set already; True when it was not."""
        target = _logs.c[column_name]
        statement = (
            update(_logs)
            .where(_logs.c.log_id == log_id, target.is_(None))
            .values({column_name: at})
            .returning(_logs.c.log_id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def set_status(self, log_id: uuid.UUID, status: str) -> None:
        await self.session.execute(
            update(_logs).where(_logs.c.log_id == log_id).values(status=status)
        )

    async def sequence_flags(
        self, sequence_id: uuid.UUID, replied_since: datetime
    ) -> SequenceFlags:
        statement = select(
            func.bool_or(_logs.c.bounced_at.is_not(None)),
            func.bool_or(_logs.c.unsubscribed_at.is_not(None)),
            func.bool_or(_logs.c.replied_at >= replied_since),
        ).where(_logs.c.sequence_id == sequence_id)
        bounced, unsubscribed, replied = (await self.session.execute(statement)).one()
        return SequenceFlags(bool(bounced), bool(unsubscribed), bool(replied))

    # ---- sequences -------------------------------------------------------------------------

    async def add_sequence(self, **values: Any) -> uuid.UUID:
        statement = insert(_seqs).values(**values).returning(_seqs.c.sequence_id)
        sequence_id: uuid.UUID = (await self.session.execute(statement)).scalar_one()
        return sequence_id

    async def sequence(
        self, sequence_id: uuid.UUID, user_id: uuid.UUID | None = None, *, lock: bool = False
    ) -> EmailSequence | None:
        conditions: list[ColumnElement[bool]] = [_seqs.c.sequence_id == sequence_id]
        if user_id is not None:
            conditions.append(_seqs.c.user_id == user_id)
        statement = select(*_SEQ_COLUMNS).where(*conditions)
        if lock:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).first()
        return EmailSequence(**row._mapping) if row else None

    async def open_sequence(self, lead_id: uuid.UUID) -> EmailSequence | None:
        """The lead's active or paused sequence (at most one: a unique index)."""
        statement = select(*_SEQ_COLUMNS).where(
            _seqs.c.lead_id == lead_id, _seqs.c.status.in_(OPEN_STATUSES)
        )
        row = (await self.session.execute(statement)).first()
        return EmailSequence(**row._mapping) if row else None

    async def sequences_of_lead(
        self, user_id: uuid.UUID, lead_id: uuid.UUID, limit: int
    ) -> list[EmailSequence]:
        """The lead's sequences, the open one first, then the newest."""
        statement = (
            select(*_SEQ_COLUMNS)
            .where(_seqs.c.user_id == user_id, _seqs.c.lead_id == lead_id)
            .order_by(
                _seqs.c.status.in_(OPEN_STATUSES).desc(),
                _seqs.c.started_at.desc(),
                _seqs.c.sequence_id.desc(),
            )
            .limit(limit)
        )
        return [EmailSequence(**row._mapping) for row in await self.session.execute(statement)]

    async def lock_due_sequences(self, now: datetime, limit: int) -> list[EmailSequence]:
        """Active sequences whose next step is due, locked for this transaction; rows another
        worker holds are skipped (FOR UPDATE SKIP LOCKED), so no step is sent twice."""
        statement = (
            select(*_SEQ_COLUMNS)
            .where(_seqs.c.status == "active", _seqs.c.next_send_at <= now)
            .order_by(_seqs.c.next_send_at, _seqs.c.sequence_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [EmailSequence(**row._mapping) for row in await self.session.execute(statement)]

    async def update_sequence(self, sequence_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(
            update(_seqs).where(_seqs.c.sequence_id == sequence_id).values(**values)
        )

    async def pause_open_sequences(
        self, sequence_ids: list[uuid.UUID], reason: str, now: datetime
    ) -> int:
        """Pause the active ones of ``sequence_ids`` (a paused one keeps its first reason)."""
        if not sequence_ids:
            return 0
        statement = (
            update(_seqs)
            .where(_seqs.c.sequence_id.in_(sequence_ids), _seqs.c.status == "active")
            .values(status="paused", pause_reason=reason, updated_at=now)
            .returning(_seqs.c.sequence_id)
        )
        return len((await self.session.execute(statement)).all())

    async def open_sequences_to(self, user_id: uuid.UUID, to_email: str) -> list[uuid.UUID]:
        """The subscriber's open sequences to one address (an unsubscribe stops them all)."""
        statement = select(_seqs.c.sequence_id).where(
            _seqs.c.user_id == user_id,
            func.lower(_seqs.c.to_email) == to_email.lower(),
            _seqs.c.status.in_(OPEN_STATUSES),
        )
        return list((await self.session.scalars(statement)).all())

    # ---- accounts --------------------------------------------------------------------------

    async def user(self, user_id: uuid.UUID) -> User | None:
        found: User | None = await self.session.get(User, user_id)
        return found
