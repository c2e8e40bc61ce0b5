"""Queries of the offline payment simulator: its Checkout sessions and its saved test cards
(``local_checkout_sessions``, ``local_payment_methods``)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import RowMapping, text

from propintel.db.repository import Repository


class LocalPaymentsRepository(Repository):
    async def create_session(self, session_id: str, params: dict[str, Any]) -> None:
        await self.session.execute(
            text(
                "INSERT INTO local_checkout_sessions (session_id, params) "
                "VALUES (:id, CAST(:params AS jsonb))"
            ),
            {"id": session_id, "params": json.dumps(params)},
        )

    async def lock_session(self, session_id: str) -> RowMapping | None:
        """The checkout's ``params`` and ``status``, locked until the end of the transaction."""
        result = await self.session.execute(
            text(
                "SELECT params, status FROM local_checkout_sessions "
                "WHERE session_id = :id FOR UPDATE"
            ),
            {"id": session_id},
        )
        return result.mappings().first()

    async def close_session(self, session_id: str, status: str) -> None:
        await self.session.execute(
            text("UPDATE local_checkout_sessions SET status = :s WHERE session_id = :id"),
            {"s": status, "id": session_id},
        )

    async def save_card(self, customer_id: str, last4: str, declines_off_session: bool) -> None:
        await self.session.execute(
            text(
                "INSERT INTO local_payment_methods (customer_id, card_last4, declines_off_session) "
                "VALUES (:c, :l, :d) ON CONFLICT (customer_id) DO UPDATE SET "
                "card_last4 = EXCLUDED.card_last4, "
                "declines_off_session = EXCLUDED.declines_off_session"
            ),
            {"c": customer_id, "l": last4, "d": declines_off_session},
        )

    async def card_declines_off_session(self, customer_id: str) -> bool | None:
        """Whether the customer's saved card declines off-session charges; None: no saved card."""
        declines: bool | None = await self.session.scalar(
            text("SELECT declines_off_session FROM local_payment_methods WHERE customer_id = :c"),
            {"c": customer_id},
        )
        return declines
