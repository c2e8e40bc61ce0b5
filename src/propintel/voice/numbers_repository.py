"""The statements of a subscriber's phone numbers (``subscriber_phone_numbers``) and their monthly
costs (``phone_number_costs``). Every read a subscriber makes is scoped by the owner's
``user_id``; ``by_number`` and the cost statements are the platform's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert

from propintel.db.repository import Repository
from propintel.voice.tables import phone_number_costs, phone_numbers


@dataclass(frozen=True)
class NumberRow:
    phone_id: uuid.UUID
    user_id: uuid.UUID | None
    phone_number: str
    twilio_sid: str | None
    is_active: bool
    created_at: datetime | None
    friendly_name: str | None
    provider: str
    monthly_cost_usd: Decimal | None
    released_at: datetime | None


_COLUMNS = tuple(phone_numbers.c[name] for name in NumberRow.__dataclass_fields__)


class NumbersRepository(Repository):
    async def held(self, user_id: uuid.UUID) -> list[NumberRow]:
        """The user's active numbers, newest first."""
        statement = (
            select(*_COLUMNS)
            .where(phone_numbers.c.user_id == user_id, phone_numbers.c.is_active.is_(True))
            .order_by(phone_numbers.c.created_at.desc(), phone_numbers.c.phone_id.desc())
        )
        rows = (await self.session.execute(statement)).mappings().all()
        return [NumberRow(**row) for row in rows]

    async def released(self, user_id: uuid.UUID, limit: int) -> list[NumberRow]:
        """The user's released numbers, latest release first."""
        statement = (
            select(*_COLUMNS)
            .where(phone_numbers.c.user_id == user_id, phone_numbers.c.is_active.is_(False))
            .order_by(
                phone_numbers.c.released_at.desc().nulls_last(), phone_numbers.c.phone_id.desc()
            )
            .limit(limit)
        )
        rows = (await self.session.execute(statement)).mappings().all()
        return [NumberRow(**row) for row in rows]

    async def count_held(self, user_id: uuid.UUID) -> int:
        statement = select(func.count()).where(
            phone_numbers.c.user_id == user_id, phone_numbers.c.is_active.is_(True)
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def lock_owner(self, user_id: uuid.UUID) -> None:
        """Serialise one user's purchases (the per-subscriber limit) until the transaction ends."""
        await self.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended(str(user_id), 17)))
        )

    async def owned(self, user_id: uuid.UUID, phone_id: uuid.UUID) -> NumberRow | None:
        """The user's number ``phone_id`` (held or released), locked for update."""
        statement = (
            select(*_COLUMNS)
            .where(phone_numbers.c.phone_id == phone_id, phone_numbers.c.user_id == user_id)
            .with_for_update()
        )
        row = (await self.session.execute(statement)).mappings().first()
        return NumberRow(**row) if row else None

    async def by_number(self, number: str, *, active_only: bool) -> NumberRow | None:
        statement = select(*_COLUMNS).where(phone_numbers.c.phone_number == number)
        if active_only:
            statement = statement.where(phone_numbers.c.is_active.is_(True))
        row = (await self.session.execute(statement)).mappings().first()
        return NumberRow(**row) if row else None

    async def newest_held_number(self, user_id: uuid.UUID) -> str | None:
        statement = (
            select(phone_numbers.c.phone_number)
            .where(phone_numbers.c.user_id == user_id, phone_numbers.c.is_active.is_(True))
            .order_by(phone_numbers.c.created_at.desc(), phone_numbers.c.phone_id.desc())
            .limit(1)
        )
        number: str | None = (await self.session.execute(statement)).scalar_one_or_none()
        return number

    async def add(
        self,
        *,
        user_id: uuid.UUID,
        number: str,
        sid: str,
        friendly_name: str,
        provider: str,
        monthly_cost_usd: Decimal,
        now: datetime,
    ) -> NumberRow:
        """Store a bought number; a released row holding the same number (the column is unique)
        is taken over by the new owner."""
        values = {
            "user_id": user_id,
            "twilio_sid": sid,
            "friendly_name": friendly_name,
            "provider": provider,
            "monthly_cost_usd": monthly_cost_usd,
            "is_active": True,
            "created_at": now,
            "released_at": None,
        }
        statement = (
            insert(phone_numbers)
            .values(phone_number=number, **values)
            .on_conflict_do_update(
                index_elements=[phone_numbers.c.phone_number],
                set_=values,
                where=phone_numbers.c.is_active.is_(False),
            )
            .returning(*_COLUMNS)
        )
        row = (await self.session.execute(statement)).mappings().first()
        if row is None:  # an active row holds the number: the caller refuses
            raise LookupError(number)
        return NumberRow(**row)

    async def rename(self, phone_id: uuid.UUID, name: str) -> None:
        await self.session.execute(
            update(phone_numbers)
            .where(phone_numbers.c.phone_id == phone_id)
            .values(friendly_name=name)
        )

    async def release(self, phone_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(phone_numbers)
            .where(phone_numbers.c.phone_id == phone_id)
            .values(is_active=False, released_at=now)
        )

    # --- monthly costs ------------------------------------------------------------------------
    async def record_cost(
        self, phone_id: uuid.UUID, user_id: uuid.UUID, period_start: date, cost: Decimal
    ) -> bool:
        """This period's cost of one number, once (True when recorded now)."""
        statement = (
            insert(phone_number_costs)
            .values(phone_id=phone_id, user_id=user_id, period_start=period_start, cost_usd=cost)
            .on_conflict_do_nothing(constraint="uq_phone_number_costs_period")
            .returning(phone_number_costs.c.cost_id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def record_missing_costs(self, period_start: date) -> int:
        """This period's cost row for every held number that has none; how many were added."""
        held = select(
            phone_numbers.c.phone_id,
            phone_numbers.c.user_id,
            literal(period_start, Date).label("period_start"),
            func.coalesce(phone_numbers.c.monthly_cost_usd, 0).label("cost_usd"),
        ).where(phone_numbers.c.is_active.is_(True))
        statement = (
            insert(phone_number_costs)
            .from_select(["phone_id", "user_id", "period_start", "cost_usd"], held)
            .on_conflict_do_nothing(constraint="uq_phone_number_costs_period")
            .returning(phone_number_costs.c.cost_id)
        )
        return len((await self.session.execute(statement)).all())

    async def costs_between(self, start: date, end: date) -> Decimal:
        """The sum of the monthly costs whose period starts between start and end (both in)."""
        statement = select(func.coalesce(func.sum(phone_number_costs.c.cost_usd), 0)).where(
            phone_number_costs.c.period_start >= start, phone_number_costs.c.period_start <= end
        )
        total = (await self.session.execute(statement)).scalar_one()
        return Decimal(total)
