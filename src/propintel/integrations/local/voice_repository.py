"""The queries of the offline telephone network: the numbers it issued (``local_phone_numbers``;
a number is held while its row has no ``released_at``) and every call it carried
(``local_voice_calls``), both ways."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, cast, func, insert, select, update

from propintel.db.repository import Repository
from propintel.integrations.local.tables import local_phone_numbers, local_voice_calls

_NUMBER_COLUMNS = (
    local_phone_numbers.c.phone_sid,
    local_phone_numbers.c.phone_number,
    local_phone_numbers.c.friendly_name,
    local_phone_numbers.c.voice_url,
    local_phone_numbers.c.status_callback,
    local_phone_numbers.c.created_at,
    local_phone_numbers.c.released_at,
)

_CALL_COLUMNS = (
    local_voice_calls.c.call_sid,
    local_voice_calls.c.direction,
    local_voice_calls.c.from_number,
    local_voice_calls.c.to_number,
    local_voice_calls.c.status,
    local_voice_calls.c.url,
    local_voice_calls.c.status_callback,
    local_voice_calls.c.time_limit,
    local_voice_calls.c.machine_detection,
    local_voice_calls.c.answered_by,
    local_voice_calls.c.created_at,
    local_voice_calls.c.answered_at,
    local_voice_calls.c.ended_at,
)


@dataclass(frozen=True)
class LocalNumber:
    """A number the offline network issued (a ``local_phone_numbers`` row)."""

    phone_sid: str
    phone_number: str
    friendly_name: str | None
    voice_url: str | None
    status_callback: str | None
    created_at: datetime
    released_at: datetime | None


@dataclass(frozen=True)
class LocalCall:
    """A call the offline network carried (a ``local_voice_calls`` row)."""

    call_sid: str
    direction: str  # "outbound-api" or "inbound"
    from_number: str
    to_number: str
    status: str  # one of integrations.voice.CALL_STATUSES
    url: str | None
    status_callback: str | None
    time_limit: int | None
    machine_detection: bool
    answered_by: str | None
    created_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None


class LocalVoiceRepository(Repository):
    # --- numbers ---

    async def held_numbers(self, numbers: Sequence[str]) -> set[str]:
        """Which of ``numbers`` are held now."""
        if not numbers:
            return set()
        statement = select(local_phone_numbers.c.phone_number).where(
            local_phone_numbers.c.phone_number.in_(list(numbers)),
            local_phone_numbers.c.released_at.is_(None),
        )
        return set((await self.session.execute(statement)).scalars())

    async def held_number(self, number: str) -> LocalNumber | None:
        """The active holding of ``number``, if any."""
        statement = select(*_NUMBER_COLUMNS).where(
            local_phone_numbers.c.phone_number == number,
            local_phone_numbers.c.released_at.is_(None),
        )
        row = (await self.session.execute(statement)).mappings().first()
        return LocalNumber(**row) if row else None

    async def insert_number(
        self,
        *,
        sid: str,
        number: str,
        friendly_name: str | None,
        voice_url: str | None,
        status_callback: str | None,
    ) -> None:
        await self.session.execute(
            insert(local_phone_numbers).values(
                phone_sid=sid,
                phone_number=number,
                friendly_name=friendly_name,
                voice_url=voice_url,
                status_callback=status_callback,
            )
        )

    async def rename_number(self, sid: str, friendly_name: str) -> bool:
        """Rename a held number; False when ``sid`` is unknown or released."""
        statement = (
            update(local_phone_numbers)
            .where(
                local_phone_numbers.c.phone_sid == sid,
                local_phone_numbers.c.released_at.is_(None),
            )
            .values(friendly_name=friendly_name)
            .returning(local_phone_numbers.c.phone_sid)
        )
        return (await self.session.execute(statement)).first() is not None

    async def release_number(self, sid: str) -> bool:
        """Release a held number; False when ``sid`` is unknown or already released."""
        statement = (
            update(local_phone_numbers)
            .where(
                local_phone_numbers.c.phone_sid == sid,
                local_phone_numbers.c.released_at.is_(None),
            )
            .values(released_at=cast(func.clock_timestamp(), DateTime))
            .returning(local_phone_numbers.c.phone_sid)
        )
        return (await self.session.execute(statement)).first() is not None

    # --- calls ---

    async def insert_call(
        self,
        *,
        sid: str,
        direction: str,
        from_number: str,
        to_number: str,
        status: str,
        url: str | None,
        status_callback: str | None,
        time_limit: int | None,
        machine_detection: bool,
        created_at: datetime | None = None,
    ) -> None:
        await self.session.execute(
            insert(local_voice_calls).values(
                call_sid=sid,
                direction=direction,
                from_number=from_number,
                to_number=to_number,
                status=status,
                url=url,
                status_callback=status_callback,
                time_limit=time_limit,
                machine_detection=machine_detection,
                # clock_timestamp(): calls of one transaction keep the order they were placed in
                created_at=(
                    created_at if created_at is not None else cast(func.clock_timestamp(), DateTime)
                ),
            )
        )

    async def call(self, sid: str, *, for_update: bool = False) -> LocalCall | None:
        statement = select(*_CALL_COLUMNS).where(local_voice_calls.c.call_sid == sid)
        if for_update:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).mappings().first()
        return LocalCall(**row) if row else None

    async def calls(self, limit: int) -> list[LocalCall]:
        """The newest ``limit`` calls, newest first."""
        statement = (
            select(*_CALL_COLUMNS)
            .order_by(local_voice_calls.c.created_at.desc(), local_voice_calls.c.call_sid.desc())
            .limit(limit)
        )
        rows = await self.session.execute(statement)
        return [LocalCall(**row) for row in rows.mappings()]

    async def set_status(
        self,
        sid: str,
        status: str,
        *,
        answered_by: str | None = None,
        answered_at: datetime | None = None,
        ended_at: datetime | None = None,
    ) -> None:
        """Store ``status``; ``answered_by``, ``answered_at`` and ``ended_at`` only when given."""
        values: dict[str, object] = {"status": status}
        if answered_by is not None:
            values["answered_by"] = answered_by
        if answered_at is not None:
            values["answered_at"] = answered_at
        if ended_at is not None:
            values["ended_at"] = ended_at
        await self.session.execute(
            update(local_voice_calls).where(local_voice_calls.c.call_sid == sid).values(values)
        )
