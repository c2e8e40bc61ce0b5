"""Admin view of accounts: search with filters (keyset-paged by email) and one user's facts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, UserType
from propintel.kit.errors import NotFound

MAX_PAGE = 200
AccountStatus = Literal["active", "suspended"]


class UserFilters(BaseModel):
    """Search of /admin/users and GET /api/v1/admin/users. All optional; combined with AND."""

    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(default=None, max_length=255, description="Part of the email address.")
    user_type: UserType | None = None
    tier: Plan | None = None
    status: AccountStatus | None = Field(default=None, description="active or suspended.")


@dataclass(frozen=True)
class UserRow:
    user_id: uuid.UUID
    email: str
    user_type: str
    subscription_tier: str | None
    subscription_status: str | None
    token_balance: int
    created_at: datetime | None
    last_login: datetime | None
    suspended_at: datetime | None


@dataclass(frozen=True)
class UserFacts(UserRow):
    stripe_customer_id: str | None
    business_name: str | None


_COLUMNS = """u.user_id, u.email, u.user_type, u.subscription_tier, u.subscription_status,
  COALESCE(u.token_balance, 0) AS token_balance, u.created_at, u.last_login, u.suspended_at"""

_SEARCH = text(
    f"""
    SELECT {_COLUMNS} FROM users u
    WHERE (CAST(:pattern AS text) IS NULL OR u.email ILIKE :pattern ESCAPE '\\')
      AND (CAST(:user_type AS text) IS NULL OR u.user_type = :user_type)
      AND (CAST(:tier AS text) IS NULL OR COALESCE(u.subscription_tier, 'none') = :tier)
      AND (CAST(:status AS text) IS NULL
           OR (CAST(:status AS text) = 'suspended') = (u.suspended_at IS NOT NULL))
      AND (CAST(:after AS text) IS NULL OR u.email > :after)
    ORDER BY u.email
    LIMIT :limit
    """
)

_FACTS = text(
    f"""
    SELECT {_COLUMNS}, u.stripe_customer_id,
      (SELECT business_name FROM subscriber_profiles p WHERE p.user_id = u.user_id
       ORDER BY p.created_at LIMIT 1) AS business_name
    FROM users u WHERE u.user_id = :user_id
    """
)


def _like_pattern(query: str | None) -> str | None:
    """A substring pattern with LIKE's wildcards in the query taken literally."""
    if not query or not query.strip():
        return None
    escaped = query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def search_users(
    session: AsyncSession, filters: UserFilters, limit: int = 50, after: str | None = None
) -> tuple[list[UserRow], str | None]:
    """One page of matching users by email, and the email to continue after (None: last page)."""
    params = {
        "pattern": _like_pattern(filters.q),
        "user_type": filters.user_type.value if filters.user_type else None,
        "tier": filters.tier.value if filters.tier else None,
        "status": filters.status,
        "after": after or None,
        "limit": limit + 1,
    }
    rows = [UserRow(**row) for row in (await session.execute(_SEARCH, params)).mappings()]
    next_after = rows[limit - 1].email if len(rows) > limit else None
    return rows[:limit], next_after


async def user_facts(session: AsyncSession, user_id: uuid.UUID) -> UserFacts:
    row = (await session.execute(_FACTS, {"user_id": user_id})).mappings().first()
    if row is None:
        raise NotFound("No such user.")
    return UserFacts(**row)
