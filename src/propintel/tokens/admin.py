"""Admin actions on a user's tokens and account, each audit-logged in the same transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.audit.service import audit
from propintel.auth.models import User
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict
from propintel.kit.i18n import _
from propintel.tokens.errors import InsufficientTokens
from propintel.tokens.models import TransactionType
from propintel.tokens.repository import TokenRepository
from propintel.tokens.schemas import AdjustmentKind
from propintel.tokens.service import locked_account


@dataclass(frozen=True)
class Adjusted:
    transaction_id: uuid.UUID
    tokens_amount: int
    balance: int


async def adjust_tokens(
    session: AsyncSession,
    admin: User,
    user_id: uuid.UUID,
    kind: AdjustmentKind,
    tokens: int,
    reason: str,
    *,
    now: datetime | None = None,
) -> Adjusted:
    """Grant (+) or deduct (-) tokens with a reason: a ``token_transactions`` row carrying
    ``admin_user_id``. A deduction never takes a balance below zero."""
    now = now or now_new_york()
    repo = TokenRepository.from_session(session)
    account = await locked_account(repo, user_id)
    delta = tokens if kind == AdjustmentKind.GRANT else -tokens
    kind_type = (
        TransactionType.ADMIN_GRANT
        if kind == AdjustmentKind.GRANT
        else TransactionType.ADMIN_DEDUCT
    )
    result = await repo.adjust(
        user_id, delta, kind_type, reason.strip(), now, admin_user_id=admin.user_id
    )
    if result is None:
        raise InsufficientTokens(needed=tokens, balance=account.balance)
    balance, transaction_id = result
    await audit(
        session,
        admin,
        f"tokens.{kind.value}",
        "users",
        user_id,
        {"token_balance": account.balance},
        {"token_balance": balance, "tokens_amount": delta, "reason": reason.strip()},
    )
    return Adjusted(transaction_id, delta, balance)


async def set_suspended(
    session: AsyncSession,
    admin: User,
    user_id: uuid.UUID,
    suspend: bool,
    reason: str,
    *,
    now: datetime | None = None,
) -> datetime | None:
    """Suspend (no log-in, no sessions, no spending) or reactivate an account. Returns the new
    ``suspended_at``."""
    if user_id == admin.user_id:
        raise Conflict(_("You cannot suspend or reactivate your own account."))
    repo = TokenRepository.from_session(session)
    account = await locked_account(repo, user_id)
    if (account.suspended_at is not None) == suspend:
        raise Conflict(
            _("This account is already suspended.")
            if suspend
            else _("This account is already active.")
        )
    at = (now or now_new_york()) if suspend else None
    await repo.set_suspended(user_id, at)
    await audit(
        session,
        admin,
        "user.suspend" if suspend else "user.reactivate",
        "users",
        user_id,
        {"suspended_at": account.suspended_at},
        {"suspended_at": at, "reason": reason.strip()},
    )
    return at
