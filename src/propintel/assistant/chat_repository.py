"""The chat's SQL: a subscriber's conversations and their messages (always filtered by
``user_id``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete, func, insert, literal, select, tuple_, update

from propintel.assistant.tables import chat_messages as messages
from propintel.assistant.tables import threads
from propintel.db.repository import Repository

CHAT = "chat"


@dataclass(frozen=True)
class ThreadRow:
    thread_id: uuid.UUID
    lead_id: uuid.UUID | None
    title: str
    created_at: datetime
    updated_at: datetime
    answers: int
    credits: int


@dataclass(frozen=True)
class MessageRow:
    message_id: uuid.UUID
    thread_id: uuid.UUID
    role: str
    content: str
    context_used: dict[str, Any] | None
    llm_tokens: int | None
    prompt_tokens: int | None
    completion_tokens: int | None
    cost: Decimal | None
    credits_charged: int | None
    model: str | None
    latency_ms: int | None
    draft_type: str | None
    created_at: datetime


_THREAD_COLUMNS = (
    threads.c.thread_id,
    threads.c.lead_id,
    threads.c.title,
    threads.c.created_at,
    threads.c.updated_at,
)
_MESSAGE_COLUMNS = (
    messages.c.conversation_id,
    messages.c.thread_id,
    messages.c.message_role,
    messages.c.message_content,
    messages.c.context_used,
    messages.c.tokens_used,
    messages.c.prompt_tokens,
    messages.c.completion_tokens,
    messages.c.cost,
    messages.c.credits_charged,
    messages.c.model,
    messages.c.latency_ms,
    messages.c.draft_type,
    messages.c.timestamp,
)


def _message(row: Any) -> MessageRow:
    return MessageRow(*row)


class ChatRepository(Repository):
    async def add_thread(
        self, user_id: uuid.UUID, lead_id: uuid.UUID | None, title: str, now: datetime
    ) -> uuid.UUID:
        statement = (
            insert(threads)
            .values(user_id=user_id, lead_id=lead_id, title=title, created_at=now, updated_at=now)
            .returning(threads.c.thread_id)
        )
        return (await self.session.execute(statement)).scalar_one()

    def _threads(self, user_id: uuid.UUID) -> Any:
        answered = and_(
            messages.c.thread_id == threads.c.thread_id, messages.c.message_role == "assistant"
        )
        answers = select(func.count()).where(answered).scalar_subquery()
        credits = (
            select(func.coalesce(func.sum(messages.c.credits_charged), 0))
            .where(answered)
            .scalar_subquery()
        )
        return select(*_THREAD_COLUMNS, answers, credits).where(threads.c.user_id == user_id)

    async def thread(self, user_id: uuid.UUID, thread_id: uuid.UUID) -> ThreadRow | None:
        query = self._threads(user_id).where(threads.c.thread_id == thread_id)
        row = (await self.session.execute(query)).first()
        return ThreadRow(*row) if row else None

    async def threads_page(
        self,
        user_id: uuid.UUID,
        after: tuple[Any, ...] | None,
        limit: int,
        lead_id: uuid.UUID | None = None,
    ) -> list[ThreadRow]:
        """The subscriber's conversations, the latest active first (one lead's, when given)."""
        query = self._threads(user_id)
        if lead_id is not None:
            query = query.where(threads.c.lead_id == lead_id)
        if after is not None:
            key = tuple_(threads.c.updated_at, threads.c.thread_id)
            query = query.where(key < tuple_(literal(after[0]), literal(after[1])))
        query = query.order_by(threads.c.updated_at.desc(), threads.c.thread_id.desc()).limit(limit)
        return [ThreadRow(*row) for row in await self.session.execute(query)]

    async def touch_thread(self, thread_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(threads).where(threads.c.thread_id == thread_id).values(updated_at=now)
        )

    async def delete_thread(self, user_id: uuid.UUID, thread_id: uuid.UUID) -> bool:
        statement = delete(threads).where(
            threads.c.user_id == user_id, threads.c.thread_id == thread_id
        )
        deleted = await self.session.execute(statement.returning(threads.c.thread_id))
        return deleted.first() is not None

    async def add_message(
        self,
        user_id: uuid.UUID,
        thread_id: uuid.UUID,
        lead_id: uuid.UUID | None,
        role: str,
        content: str,
        now: datetime,
        **values: Any,
    ) -> uuid.UUID:
        statement = (
            insert(messages)
            .values(
                user_id=user_id,
                thread_id=thread_id,
                lead_id=lead_id,
                channel=CHAT,
                message_role=role,
                message_content=content,
                timestamp=now,
                **values,
            )
            .returning(messages.c.conversation_id)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def messages(
        self, user_id: uuid.UUID, thread_id: uuid.UUID, *, last: int | None = None
    ) -> list[MessageRow]:
        """A conversation's messages in the order written (only its ``last`` ones, when given)."""
        query = select(*_MESSAGE_COLUMNS).where(
            messages.c.user_id == user_id, messages.c.thread_id == thread_id
        )
        order = (messages.c.timestamp, messages.c.conversation_id)
        if last is None:
            rows = await self.session.execute(query.order_by(*order))
            return [_message(row) for row in rows]
        newest = query.order_by(*(part.desc() for part in order)).limit(last)
        return [_message(row) for row in reversed(list(await self.session.execute(newest)))]

    async def message(self, user_id: uuid.UUID, message_id: uuid.UUID) -> MessageRow | None:
        query = select(*_MESSAGE_COLUMNS).where(
            messages.c.user_id == user_id,
            messages.c.conversation_id == message_id,
            messages.c.channel == CHAT,
            messages.c.thread_id.is_not(None),
        )
        row = (await self.session.execute(query)).first()
        return _message(row) if row else None
