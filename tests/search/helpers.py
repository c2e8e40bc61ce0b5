"""Search's leads: scored properties (``tests.factories.scored_property``, no refresh needed) at
Miami Beach, where the radius and polygon filters look, with the breakdown their score implies."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import scored_property
from tests.scoring.helpers import add_listing, days_ago

MIAMI_BEACH = (25.7907, -80.1300)  # lat, lon


async def make_lead(
    db: AsyncSession,
    *,
    at: tuple[float, float] = MIAMI_BEACH,
    breakdown: dict[str, int] | None = None,
    fsbo: bool = False,
    **options: Any,
) -> uuid.UUID:
    """A ``scored_property`` (no score by default) at ``at`` (lat, lon) with ``breakdown`` (empty
    by default) as its intent_breakdown; ``fsbo`` adds an active FSBO listing."""
    property_id = await scored_property(db, at=at, breakdown=breakdown or {}, **options)
    if fsbo:
        await add_listing(db, property_id, days_ago(20))
    return property_id


async def distressed(db: AsyncSession, score: int, **columns: Any) -> uuid.UUID:
    breakdown = columns.pop("breakdown", None) or {"tax_lien": score}
    return await make_lead(db, distressed=score, breakdown=breakdown, **columns)


async def new_owner(db: AsyncSession, score: int, **columns: Any) -> uuid.UUID:
    columns.setdefault("sale_date", days_ago(20))
    columns.setdefault("last_sale_date", columns["sale_date"])
    breakdown = columns.pop("breakdown", None) or {"days_0_30": score}
    return await make_lead(db, new_homeowner=score, breakdown=breakdown, **columns)


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]
