"""Two deletions of one account at the same moment (two tabs, a retried request): the second waits
for the first and is refused; the account is erased once, with one audit entry and one forfeit."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from sqlalchemy import text

from propintel.account_data.service import erase_account
from propintel.auth.models import User
from propintel.config import get_settings
from propintel.db.engine import create_engine_for, unit_of_work
from propintel.kit.errors import Conflict
from propintel.tokens.service import credit_purchase
from tests.factories import DEFAULT_PASSWORD, make_user


async def test_a_second_deletion_at_the_same_moment_is_refused(import_url: str) -> None:
    engine = create_engine_for(import_url, pool_size=3)
    try:
        async with unit_of_work(engine) as session:
            user = await make_user(session)
            user_id, email = user.user_id, user.email
            await credit_purchase(session, user_id, 50, Decimal("5.00"), None)

        async def delete() -> str:
            async with unit_of_work(engine) as session:
                mine = await session.get(User, user_id)
                assert mine is not None
                try:
                    await erase_account(
                        session,
                        get_settings(),
                        mine,
                        typed_email=email,
                        password=DEFAULT_PASSWORD,
                        ip="203.0.113.9",
                    )
                except Conflict:
                    return "refused"
                return "erased"

        outcomes = await asyncio.gather(delete(), delete())

        assert sorted(outcomes) == ["erased", "refused"]
        async with engine.connect() as connection:
            audits = await connection.scalar(
                text("SELECT count(*) FROM admin_audit_logs WHERE target_id = :u"),
                {"u": user_id},
            )
            forfeits = await connection.scalar(
                text(
                    "SELECT count(*) FROM token_transactions "
                    "WHERE user_id = :u AND transaction_type = 'forfeit'"
                ),
                {"u": user_id},
            )
        assert (audits, forfeits) == (1, 1)
    finally:
        await engine.dispose()
