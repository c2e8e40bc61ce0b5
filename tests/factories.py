"""One-line builders for what tests need (users, logged-in clients)."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, User, UserType
from propintel.auth.service import NewAccount, register
from propintel.config import get_settings

DEFAULT_PASSWORD = "correct-horse-battery"


async def make_user(
    db: AsyncSession,
    user_type: UserType = UserType.SUBSCRIBER,
    *,
    plan: Plan = Plan.NONE,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
) -> User:
    email = email or f"{user_type.value}-{uuid.uuid4().hex[:10]}@example.com"
    account = NewAccount(email, password, user_type, plan)
    return await register(db, get_settings(), account)


async def make_subscriber(db: AsyncSession, plan: Plan = Plan.FULL) -> User:
    return await make_user(db, UserType.SUBSCRIBER, plan=plan)


async def bearer_for(
    client: httpx.AsyncClient, user: User, password: str = DEFAULT_PASSWORD
) -> dict[str, str]:
    """Authorization headers for ``user`` obtained through the real token endpoint."""
    response = await client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def log_in_browser(
    client: httpx.AsyncClient, user: User, password: str = DEFAULT_PASSWORD
) -> None:
    """Log ``client`` in through the HTML form, CSRF token included, like a browser would."""
    await client.get("/login")
    csrf = client.cookies.get("propintel_csrf")
    response = await client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": csrf}
    )
    assert response.status_code == 303, response.text
