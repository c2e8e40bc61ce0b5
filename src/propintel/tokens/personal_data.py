"""The token ledger's part of "Your data" (docs/accounts.md): the account's purchases,
transactions, usage, holds and auto-recharges for its export; and what an erasure does to the
balance.

An erased account's balance is forfeited: its open holds are released (``release``, as if the
actions never happened), auto-recharge is turned off, and what remains is taken to zero by one
``forfeit`` transaction (negative). The ledger rows all stay (financial records), so the balance
is still ``SUM(purchases) + SUM(transactions) - SUM(usage)`` and ``propintel maintenance
reconcile-tokens`` finds nothing to report. Called by ``account_data``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.db.export import export_rows_of
from propintel.tokens.personal_data_repository import EXPORTS, TokenDataRepository
from propintel.tokens.repository import TokenRepository
from propintel.tokens.service import disable_auto_recharge, locked_account, release

SECTIONS: tuple[str, ...] = tuple(EXPORTS)
# token_transactions.transaction_type of the balance an erased account gave up (counted by the
# reconciliation like every type but the mirrored ones).
FORFEIT = "forfeit"


export_rows = export_rows_of(TokenDataRepository)


async def forfeit_balance(session: AsyncSession, user_id: uuid.UUID, *, now: datetime) -> int:
    """Release the open holds, turn auto-recharge off and take the balance to zero with one
    ``forfeit`` transaction; returns how many tokens were forfeited (0: none, and no row)."""
    for reservation_id in await TokenDataRepository.from_session(session).held_reservations(
        user_id
    ):
        await release(session, user_id, reservation_id, now=now)
    await disable_auto_recharge(session, user_id)
    repo = TokenRepository.from_session(session)
    account = await locked_account(repo, user_id)
    if account.balance <= 0:
        return 0
    description = "Balance forfeited: the account was deleted by its owner"
    result = await repo.adjust(user_id, -account.balance, FORFEIT, description, now)
    assert result is not None  # under the row lock, the whole balance is there to take
    return account.balance
