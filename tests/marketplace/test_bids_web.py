"""Bids through the pages and the API: the contractor bids from the job's page (its price and
the refund rule shown), the homeowner compares and accepts, the winner then sees the homeowner's
contact; refusals come back on the page with their message."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from propintel.kit.clock import now_new_york
from propintel.tokens.service import credit_purchase
from tests.factories import bearer_for, csrf_of, log_in_browser, make_user
from tests.marketplace.helpers import DOWNTOWN, HOME_STREET, NEAR, contractor, draft, home_at, post

CIRCLE = {"center": {"lat": DOWNTOWN[0], "lon": DOWNTOWN[1]}, "radius_miles": 5}


async def test_bid_compare_accept_through_the_pages(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await home_at(db, NEAR, "33137", HOME_STREET)
    pro = await contractor(db, services=["pool"], area=CIRCLE)
    await credit_purchase(db, pro.user_id, 100, Decimal("9.99"), None, now=now_new_york())
    homeowner = await make_user(db, UserType.HOMEOWNER)
    job = await post(db, homeowner, draft("pool"))
    owner_api = await bearer_for(client, homeowner)

    await log_in_browser(client, pro)
    page = await client.get(f"/marketplace/jobs/{job.job_id}")
    assert "A bid costs 25 credits (your balance: 100)" in page.text
    refused = await client.post(
        f"/marketplace/jobs/{job.job_id}/bid",
        data={"amount": "-3", "timeline": "asap", "csrf_token": csrf_of(client)},
    )
    assert refused.status_code == 422 and "above $0" in refused.text
    sent = await client.post(
        f"/marketplace/jobs/{job.job_id}/bid",
        data={
            "amount": "1,250",
            "message": "Monday",
            "timeline": "asap",
            "csrf_token": csrf_of(client),
        },
    )
    assert sent.status_code == 303
    page = await client.get(f"/marketplace/jobs/{job.job_id}")
    assert 'data-testid="my-bid"' in page.text and "$1,250.00" in page.text
    assert 'data-testid="homeowner-contact"' not in page.text

    compared = await client.get(f"/api/v1/jobs/{job.job_id}/bids", headers=owner_api)
    [bid] = compared.json()
    assert bid["amount"] == "1250.00" and bid["verified"] is True and bid["status"] == "pending"
    accepted = await client.post(
        f"/api/v1/jobs/{job.job_id}/bids/{bid['bid_id']}/accept", headers=owner_api
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "in_progress"
    again = await client.post(
        f"/api/v1/jobs/{job.job_id}/bids/{bid['bid_id']}/accept", headers=owner_api
    )
    assert again.status_code == 409

    page = await client.get(f"/marketplace/jobs/{job.job_id}")
    assert 'data-testid="homeowner-contact"' in page.text and HOME_STREET in page.text
    detail = await client.get(
        f"/api/v1/marketplace/jobs/{job.job_id}", headers=await _api(client, db, pro)
    )
    assert detail.json()["homeowner"]["email"] == homeowner.email


async def _api(client: httpx.AsyncClient, db: AsyncSession, user: object) -> dict[str, str]:
    client.cookies.clear()
    await db.refresh(user)
    return await bearer_for(client, user)  # type: ignore[arg-type]


async def test_the_pricing_page_names_the_default_bid_price(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await log_in_browser(client, await make_user(db, UserType.ADMIN))
    page = await client.get("/admin/pricing")
    assert 'data-testid="default-prices"' in page.text
    assert "<code>job_bid</code>: 25 tokens" in page.text
