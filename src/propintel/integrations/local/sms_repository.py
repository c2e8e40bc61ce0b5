"""The queries of the offline SMS network (``local_sms_messages``): every text the simulator
carried, both ways, with its delivery status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, cast, func, insert, select, update

from propintel.db.repository import Repository
from propintel.integrations.local.tables import local_sms_messages

_COLUMNS = (
    local_sms_messages.c.message_sid,
    local_sms_messages.c.from_number,
    local_sms_messages.c.to_number,
    local_sms_messages.c.body,
    local_sms_messages.c.status,
    local_sms_messages.c.status_callback,
    local_sms_messages.c.created_at,
)


@dataclass(frozen=True)
class LocalText:
    message_sid: str
    from_number: str
    to_number: str
    body: str
    status: str
    status_callback: str | None
    created_at: datetime


class LocalSmsRepository(Repository):
    async def insert(
        self,
        *,
        sid: str,
        from_number: str,
        to_number: str,
        body: str,
        status: str,
        status_callback: str | None,
    ) -> None:
        await self.session.execute(
            insert(local_sms_messages).values(
                message_sid=sid,
                from_number=from_number,
                to_number=to_number,
                body=body,
                status=status,
                status_callback=status_callback,
                # clock_timestamp(): texts of one transaction keep the order they were sent in
                created_at=cast(func.clock_timestamp(), DateTime),
            )
        )

    async def lock(self, sid: str) -> LocalText | None:
        statement = (
            select(*_COLUMNS).where(local_sms_messages.c.message_sid == sid).with_for_update()
        )
        row = (await self.session.execute(statement)).mappings().first()
        return LocalText(**row) if row else None

    async def set_status(self, sid: str, status: str) -> None:
        await self.session.execute(
            update(local_sms_messages)
            .where(local_sms_messages.c.message_sid == sid)
            .values(status=status)
        )

    async def by_sids(self, sids: Sequence[str]) -> list[LocalText]:
        """These texts, oldest first."""
        if not sids:
            return []
        statement = (
            select(*_COLUMNS)
            .where(local_sms_messages.c.message_sid.in_(list(sids)))
            .order_by(local_sms_messages.c.created_at, local_sms_messages.c.message_sid)
        )
        rows = await self.session.execute(statement)
        return [LocalText(**row) for row in rows.mappings()]
