"""One-line builders for what tests need: users of each type and plan, logged-in browsers and API
clients, properties with scores, saved leads, funded subscribers; and the token figures tests
assert on."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import psycopg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, User, UserType
from propintel.auth.service import NewAccount, register
from propintel.config import get_settings
from propintel.kit.clock import now_new_york
from propintel.leads.service import save_leads
from propintel.search.criteria import Intent
from propintel.tokens.service import credit_purchase
from propintel.web.security import CSRF_COOKIE

DEFAULT_PASSWORD = "correct-horse-battery"


async def make_user(
    db: AsyncSession,
    user_type: UserType = UserType.SUBSCRIBER,
    *,
    plan: Plan = Plan.NONE,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    verified: bool = True,
) -> User:
    """A registered user; ``verified``: its e-mail address is proven (it may spend credits)."""
    email = email or f"{user_type.value}-{uuid.uuid4().hex[:10]}@example.com"
    account = NewAccount(email, password, user_type, plan, email_verified=verified)
    return await register(db, get_settings(), account)


async def make_subscriber(db: AsyncSession, plan: Plan = Plan.FULL) -> User:
    return await make_user(db, UserType.SUBSCRIBER, plan=plan)


async def _new_user(db: AsyncSession, who: UserType | Plan) -> User:
    """A user of type ``who``, or a subscriber on plan ``who``."""
    if isinstance(who, Plan):
        return await make_subscriber(db, who)
    return await make_user(db, who)


def committed_user(
    url: str,
    *,
    email: str | None = None,
    user_type: UserType = UserType.SUBSCRIBER,
    token_balance: int = 0,
) -> uuid.UUID:
    """A user row written in plain SQL and committed to the database at ``url`` (for code that
    reads through connections of its own: jobs, commands, importers); its id."""
    tag = uuid.uuid4().hex[:10]
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "INSERT INTO users (email, firebase_uid, user_type, token_balance, email_verified_at) "
            "VALUES (%s, %s, %s, %s, now()) RETURNING user_id",
            (
                email or f"{user_type.value}-{tag}@example.com",
                f"local:{tag}",
                user_type.value,
                token_balance,
            ),
        ).fetchone()
    assert row is not None
    user_id: uuid.UUID = row[0]
    return user_id


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


def csrf_of(client: httpx.AsyncClient) -> str:
    """The CSRF token the app gave this browser (empty before its first page)."""
    return client.cookies.get(CSRF_COOKIE) or ""


async def browser_as(
    client: httpx.AsyncClient, db: AsyncSession, who: UserType | Plan = UserType.SUBSCRIBER
) -> str:
    """Log ``client`` in through the form as a new user of type ``who`` (or a subscriber on plan
    ``who``); returns its CSRF token."""
    await log_in_browser(client, await _new_user(db, who))
    return csrf_of(client)


async def api_as(
    client: httpx.AsyncClient, db: AsyncSession, who: UserType | Plan = UserType.SUBSCRIBER
) -> dict[str, str]:
    """Authorization headers of a new user of type ``who`` (or a subscriber on plan ``who``)."""
    return await bearer_for(client, await _new_user(db, who))


# ---- properties ----------------------------------------------------------------------------------

DOWNTOWN_MIAMI = (25.77, -80.2)  # lat, lon
_folios = itertools.count(3_000_000_000_001)

# A complete, valid single-family record: data_quality_score 100, nothing detected.
COMPLETE: dict[str, Any] = {
    "street_address": "100 NW 1 AVE",
    "address_key": "100 NW 1 AVE",
    "zip_code": "33128",
    "owner_name": "DOE JANE",
    "mailing_address": "100 NW 1 AVE, MIAMI FL 33128",
    "dor_use_code": "001",
    "property_type": "single_family",
    "market_value": 400_000,
    "assessed_value": 300_000,
    "year_built": 2005,
    "square_feet": 1_800,
    "lot_size_sqft": 5_000,
    "bedrooms": 3,
    "bathrooms": 2,
    "out_of_state_owner": False,
}


async def make_property(
    db: AsyncSession,
    *,
    located: bool = True,
    at: tuple[float, float] = DOWNTOWN_MIAMI,
    **columns: Any,
) -> uuid.UUID:
    """A property with ``COMPLETE`` values, overridden by ``columns`` (a dict is stored as JSON),
    at ``at`` (lat, lon) unless not ``located``; returns its id."""
    values = {**COMPLETE, "folio_number": f"{next(_folios):013d}", **columns}
    values.setdefault("full_address", f"{values['street_address']}, MIAMI, FL 33128")
    names = ", ".join(values)
    params = ", ".join(
        f"CAST(:{name} AS jsonb)" if isinstance(value, dict) else f":{name}"
        for name, value in values.items()
    )
    json_values = {name: json.dumps(v) if isinstance(v, dict) else v for name, v in values.items()}
    location = ", location" if located else ""
    point = ", ST_SetSRID(ST_MakePoint(:at_lon, :at_lat), 4326)::geography" if located else ""
    property_id: uuid.UUID = (
        await db.execute(
            text(
                f"INSERT INTO properties ({names}{location}) VALUES ({params}{point}) "
                "RETURNING property_id"
            ),
            {**json_values, "at_lat": at[0], "at_lon": at[1]},
        )
    ).scalar_one()
    return property_id


async def scored_property(
    db: AsyncSession,
    *,
    distressed: int = 0,
    new_homeowner: int | None = None,
    breakdown: dict[str, int] | None = None,
    **columns: Any,
) -> uuid.UUID:
    """A property (``make_property``) with the scores a refresh would have written: a new
    homeowner when ``new_homeowner`` is given, ``breakdown`` as its intent_breakdown."""
    if breakdown is not None:
        columns["intent_breakdown"] = breakdown
    return await make_property(
        db,
        distressed_score=distressed,
        new_homeowner_score=new_homeowner,
        is_new_homeowner=new_homeowner is not None,
        **columns,
    )


async def saved_lead(
    db: AsyncSession,
    user: User,
    address: str = "1 LEAD ST",
    *,
    tags: Sequence[str] = (),
    now: datetime | None = None,
) -> uuid.UUID:
    """A distressed property (score 30) at ``address`` saved as a lead of ``user`` with ``tags``
    (as the bulk save does, at ``now``: New York time by default); the lead's id."""
    prop = await scored_property(db, distressed=30, full_address=f"{address}, MIAMI, FL 33139")
    saved = await save_leads(db, user, [(prop, Intent.DISTRESSED)], tags, now or now_new_york())
    return saved.lead_ids[0]


# ---- tokens --------------------------------------------------------------------------------------

NOON = datetime(2026, 3, 10, 12, 0)  # New York time: when funded_subscriber's tokens were bought


async def funded_subscriber(db: AsyncSession, tokens: int = 100) -> User:
    """A subscriber on the full plan whose ``tokens`` were bought (for $9.99) at ``NOON``."""
    user = await make_subscriber(db)
    await db.flush()
    if tokens:
        await credit_purchase(db, user.user_id, tokens, Decimal("9.99"), None, now=NOON)
    return user


async def token_balance(db: AsyncSession, user_id: uuid.UUID) -> int | None:
    """The user's token_balance as stored (None where it is NULL)."""
    value: int | None = await db.scalar(
        text("SELECT token_balance FROM users WHERE user_id = :u"), {"u": user_id}
    )
    return value


async def token_pool(db: AsyncSession) -> tuple[int, int, int]:
    """(tokens_purchased, tokens_consumed, total_tokens) of the company's single pool row."""
    row = (
        await db.execute(
            text("SELECT tokens_purchased, tokens_consumed, total_tokens FROM company_token_pool")
        )
    ).one()
    return (row[0], row[1], row[2])
