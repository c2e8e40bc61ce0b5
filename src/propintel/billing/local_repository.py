"""Queries of the offline payment simulator: its Checkout sessions and its saved test cards
(``local_checkout_sessions``, ``local_payment_methods``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping, select, update
from sqlalchemy.dialects.postgresql import insert

from propintel.billing.tables import local_checkout_sessions, local_payment_methods
from propintel.db.repository import Repository


class LocalPaymentsRepository(Repository):
    async def create_session(self, session_id: str, params: dict[str, Any]) -> None:
        await self.session.execute(
            insert(local_checkout_sessions).values(session_id=session_id, params=params)
        )

    async def lock_session(self, session_id: str) -> RowMapping | None:
        """The checkout's ``params`` and ``status``, locked until the end of the transaction."""
        result = await self.session.execute(
            select(local_checkout_sessions.c.params, local_checkout_sessions.c.status)
            .where(local_checkout_sessions.c.session_id == session_id)
            .with_for_update()
        )
        return result.mappings().first()

    async def close_session(self, session_id: str, status: str) -> None:
        await self.session.execute(
            update(local_checkout_sessions)
            .where(local_checkout_sessions.c.session_id == session_id)
            .values(status=status)
        )

    async def save_card(self, customer_id: str, last4: str, declines_off_session: bool) -> None:
        statement = insert(local_payment_methods).values(
            customer_id=customer_id, card_last4=last4, declines_off_session=declines_off_session
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[local_payment_methods.c.customer_id],
                set_={
                    "card_last4": statement.excluded.card_last4,
                    "declines_off_session": statement.excluded.declines_off_session,
                },
            )
        )

    async def card_declines_off_session(self, customer_id: str) -> bool | None:
        """Whether the customer's saved card declines off-session charges; None: no saved card."""
        declines: bool | None = await self.session.scalar(
            select(local_payment_methods.c.declines_off_session).where(
                local_payment_methods.c.customer_id == customer_id
            )
        )
        return declines
