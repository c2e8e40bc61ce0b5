"""Builders of searchable properties with exactly the scores and facts a test states (no refresh
needed), and a logged-in API client per plan."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, UserType
from tests.factories import bearer_for, make_subscriber, make_user
from tests.scoring.helpers import add_listing, days_ago, make_property

MIAMI_BEACH = (25.7907, -80.1300)  # lat, lon
SCORES = {"distressed_score": 0, "new_homeowner_score": None, "is_new_homeowner": False}


async def make_lead(
    db: AsyncSession,
    *,
    at: tuple[float, float] = MIAMI_BEACH,
    breakdown: dict[str, int] | None = None,
    fsbo: bool = False,
    **columns: Any,
) -> uuid.UUID:
    """A property at ``at`` (lat, lon) with ``columns`` (scores default to none detected) and
    ``breakdown`` as its intent_breakdown; ``fsbo`` adds an active FSBO listing."""
    values = {**SCORES, **columns}
    property_id = await make_property(db, located=False, **values)
    await db.execute(
        text(
            "UPDATE properties SET location = "
            "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, "
            "intent_breakdown = CAST(:breakdown AS jsonb) WHERE property_id = :id"
        ),
        {"lat": at[0], "lon": at[1], "breakdown": json.dumps(breakdown or {}), "id": property_id},
    )
    if fsbo:
        await add_listing(db, property_id, days_ago(20))
    return property_id


async def distressed(db: AsyncSession, score: int, **columns: Any) -> uuid.UUID:
    breakdown = columns.pop("breakdown", None) or {"tax_lien": score}
    return await make_lead(db, distressed_score=score, breakdown=breakdown, **columns)


async def new_owner(db: AsyncSession, score: int, **columns: Any) -> uuid.UUID:
    columns.setdefault("sale_date", days_ago(20))
    columns.setdefault("last_sale_date", columns["sale_date"])
    breakdown = columns.pop("breakdown", None) or {"days_0_30": score}
    return await make_lead(
        db, is_new_homeowner=True, new_homeowner_score=score, breakdown=breakdown, **columns
    )


async def api_as(client: httpx.AsyncClient, db: AsyncSession, plan: Plan) -> dict[str, str]:
    return await bearer_for(client, await make_subscriber(db, plan))


async def api_as_type(
    client: httpx.AsyncClient, db: AsyncSession, user_type: UserType
) -> dict[str, str]:
    return await bearer_for(client, await make_user(db, user_type))


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]
