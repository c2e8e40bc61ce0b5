"""Issue 18, item 3: property intelligence (a property's facts, its scores explained: foreclosure
case numbers, judgment amounts) needs a plan that includes the property's leads, on the API and
the pages alike; the refusal names the plans that do."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from tests.factories import api_as, browser_as, scored_property

INTELLIGENCE = ("/api/v1/properties/{id}/score", "/api/v1/properties/{id}")
PAGES = ("/properties/{id}/score", "/properties/{id}")


@pytest.mark.parametrize("path", INTELLIGENCE)
async def test_a_subscriber_without_a_plan_is_refused_naming_the_plans(
    client: httpx.AsyncClient, db: AsyncSession, path: str
) -> None:
    prop = await scored_property(db, distressed=60, breakdown={"foreclosure": 60})
    nobody = await api_as(client, db, Plan.NONE)
    investor = await api_as(client, db, Plan.INVESTOR)

    refused = await client.get(path.format(id=prop), headers=nobody)
    allowed = await client.get(path.format(id=prop), headers=investor)

    assert refused.status_code == 403, refused.text
    detail = refused.json()["detail"]
    assert all(plan in detail for plan in ("contractor", "investor", "full")), detail
    assert "foreclosure" not in refused.text.lower()
    assert allowed.status_code == 200, allowed.text


@pytest.mark.parametrize("path", PAGES)
async def test_the_pages_refuse_a_subscriber_without_a_plan_too(
    client: httpx.AsyncClient, db: AsyncSession, path: str
) -> None:
    prop = await scored_property(db, distressed=60, breakdown={"foreclosure": 60})
    await browser_as(client, db, Plan.NONE)

    page = await client.get(path.format(id=prop))

    assert page.status_code == 403
    assert "investor" in page.text and "Foreclosure" not in page.text


async def test_a_contractor_plan_does_not_open_a_distressed_property(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    prop = await scored_property(db, distressed=60, breakdown={"foreclosure": 60})
    contractor = await api_as(client, db, Plan.CONTRACTOR)

    refused = await client.get(f"/api/v1/properties/{prop}/score", headers=contractor)

    assert refused.status_code == 403 and "contractor plan" in refused.json()["detail"]
