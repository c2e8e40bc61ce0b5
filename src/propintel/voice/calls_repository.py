"""Statements of AI calls (``ai_voice_call_logs``): a call stored, found by id or by the provider's
call id (locked while a webhook changes it), its conversation's turns appended, its fields set,
and keyset pages of a subscriber's calls."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import RowMapping, bindparam, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import JSONB

from propintel.db.repository import Repository
from propintel.voice.tables import calls


@dataclass(frozen=True)
class CallRow:
    call_id: uuid.UUID
    user_id: uuid.UUID
    lead_id: uuid.UUID | None
    call_type: str  # outbound | inbound
    phone_number: str | None  # the other party
    from_number: str | None  # ours
    status: str
    call_outcome: str | None
    template_id: uuid.UUID | None
    language: str
    time_limit_seconds: int | None
    reservation_id: uuid.UUID | None
    usage_log_id: uuid.UUID | None
    twilio_call_sid: str | None
    turns: list[dict[str, Any]]
    call_transcript: str | None
    answered_by: str | None
    message: str | None
    appointment_at: datetime | None
    duration_seconds: int | None
    tokens_used: int | None
    cost: Decimal | None
    error: str | None
    created_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None


_COLUMNS = tuple(calls.c[name] for name in CallRow.__dataclass_fields__)


def _row(row: RowMapping) -> CallRow:
    values = dict(row)
    values["turns"] = list(values["turns"] or [])
    return CallRow(**values)


class CallsRepository(Repository):
    async def add(self, values: Mapping[str, Any]) -> uuid.UUID:
        statement = calls.insert().values(**values).returning(calls.c.call_id)
        return (await self.session.execute(statement)).scalar_one()

    async def get(self, call_id: uuid.UUID, *, lock: bool = False) -> CallRow | None:
        query = select(*_COLUMNS).where(calls.c.call_id == call_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return _row(row) if row else None

    async def owned(self, user_id: uuid.UUID, call_id: uuid.UUID) -> CallRow | None:
        query = select(*_COLUMNS).where(calls.c.call_id == call_id, calls.c.user_id == user_id)
        row = (await self.session.execute(query)).mappings().first()
        return _row(row) if row else None

    async def lock_by_sid(self, sid: str) -> CallRow | None:
        query = select(*_COLUMNS).where(calls.c.twilio_call_sid == sid).with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return _row(row) if row else None

    async def by_sids(self, user_id: uuid.UUID, sids: list[str]) -> list[CallRow]:
        if not sids:
            return []
        query = select(*_COLUMNS).where(
            calls.c.user_id == user_id, calls.c.twilio_call_sid.in_(sids)
        )
        return [_row(row) for row in (await self.session.execute(query)).mappings()]

    async def change(self, call_id: uuid.UUID, values: Mapping[str, Any]) -> None:
        statement = (
            update(calls).where(calls.c.call_id == call_id).values(**values, updated_at=func.now())
        )
        await self.session.execute(statement)

    async def add_turns(self, call_id: uuid.UUID, turns: list[dict[str, Any]]) -> None:
        """Append ``turns`` to the conversation (``turns || new``)."""
        statement = (
            update(calls)
            .where(calls.c.call_id == call_id)
            .values(
                turns=calls.c.turns.op("||")(bindparam("new_turns", turns, type_=JSONB)),
                updated_at=func.now(),
            )
        )
        await self.session.execute(statement)

    async def page(
        self,
        user_id: uuid.UUID,
        lead_id: uuid.UUID | None,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[CallRow]:
        """The subscriber's calls (one lead's when given), newest first, after ``after``."""
        query = select(*_COLUMNS).where(calls.c.user_id == user_id)
        if lead_id is not None:
            query = query.where(calls.c.lead_id == lead_id)
        if after is not None:
            query = query.where(tuple_(calls.c.created_at, calls.c.call_id) < tuple_(*after))
        query = query.order_by(calls.c.created_at.desc(), calls.c.call_id.desc()).limit(limit)
        return [_row(row) for row in (await self.session.execute(query)).mappings()]

    async def last_language(self, user_id: uuid.UUID, lead_id: uuid.UUID) -> str | None:
        query = (
            select(calls.c.language)
            .where(calls.c.user_id == user_id, calls.c.lead_id == lead_id)
            .order_by(calls.c.created_at.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()
