"""The jobs' pages and API: a homeowner posts, sees who it was offered to, edits, cancels after a
confirmation; the offered contractor sees the job without the homeowner's private fields; the
others get 404; every role reaches only its own pages."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from tests.factories import bearer_for, csrf_of, log_in_browser, make_user
from tests.marketplace.helpers import DOWNTOWN, HOME_STREET, NEAR, contractor, home_at

CIRCLE = {"center": {"lat": DOWNTOWN[0], "lon": DOWNTOWN[1]}, "radius_miles": 5}
FORM = {
    "title": "Pool pump replacement",
    "description": "The pump stopped. Need a replacement this week.",
    "category": "pool",
    "budget": "500_2000",
    "timeline": "this_week",
    "address": HOME_STREET,
    "zip_code": "33137",
}


async def test_a_homeowner_posts_edits_and_cancels_from_the_pages(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await home_at(db, NEAR, "33137", HOME_STREET)
    await contractor(db, services=["pool"], area=CIRCLE)
    homeowner = await make_user(db, UserType.HOMEOWNER)
    await log_in_browser(client, homeowner)
    assert 'data-testid="jobs-empty"' in (await client.get("/jobs")).text
    assert (await client.get("/jobs/new")).status_code == 200

    refused = await client.post(
        "/jobs", data={**FORM, "zip_code": "12", "csrf_token": csrf_of(client)}
    )
    assert refused.status_code == 422 and "5-digit ZIP code" in refused.text
    posted = await client.post("/jobs", data={**FORM, "csrf_token": csrf_of(client)})
    assert posted.status_code == 303
    url = posted.headers["location"]
    page = await client.get(url)
    assert "offered to 1 verified contractor nearby" in page.text
    assert "Offered to 1 verified contractor near you." in page.text

    edited = await client.post(
        url, data={**FORM, "title": "Pump and filter", "csrf_token": csrf_of(client)}
    )
    assert edited.status_code == 303 and "Pump and filter" in (await client.get(url)).text
    confirm = await client.get(f"{url}/cancel")
    assert "Cancel this job?" in confirm.text
    cancelled = await client.post(f"{url}/cancel", data={"csrf_token": csrf_of(client)})
    assert cancelled.status_code == 303
    again = await client.post(f"{url}/cancel", data={"csrf_token": csrf_of(client)})
    assert "cannot become cancelled" in (await client.get(again.headers["location"])).text
    assert "Pump and filter" in (await client.get("/dashboard")).text


async def test_the_offered_contractor_sees_no_private_field(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await home_at(db, NEAR, "33137", HOME_STREET)
    offered = await contractor(db, services=["pool"], area=CIRCLE)
    other = await contractor(db, services=["lawn"], area=CIRCLE)
    homeowner = await make_user(db, UserType.HOMEOWNER)
    owner = await bearer_for(client, homeowner)
    made = await client.post("/api/v1/jobs", json=FORM, headers=owner)
    assert made.status_code == 201, made.text
    job = made.json()
    assert job["offered_to"] == 1 and job["address"].startswith(HOME_STREET)

    pro = await bearer_for(client, offered)
    listed = (await client.get("/api/v1/marketplace/jobs", headers=pro)).json()["items"]
    assert [item["job_id"] for item in listed] == [job["job_id"]]
    seen = (await client.get(f"/api/v1/marketplace/jobs/{job['job_id']}", headers=pro)).json()
    assert seen["zip_code"] == "33137"
    assert "address" not in seen and HOME_STREET not in str(seen)
    assert homeowner.email not in str(seen)

    stranger = await bearer_for(client, other)
    url = f"/api/v1/marketplace/jobs/{job['job_id']}"
    assert (await client.get(url, headers=stranger)).status_code == 404
    neighbour = await bearer_for(client, await make_user(db, UserType.HOMEOWNER))
    assert (await client.get(f"/api/v1/jobs/{job['job_id']}", headers=neighbour)).status_code == 404
    assert (
        await client.post(f"/api/v1/jobs/{job['job_id']}/cancel", headers=neighbour)
    ).status_code == 404

    await db.refresh(offered)  # the refused request's rollback expired it
    await log_in_browser(client, offered)
    page = await client.get(f"/marketplace/jobs/{job['job_id']}")
    assert page.status_code == 200 and HOME_STREET not in page.text and "ZIP 33137" in page.text
    assert job["title"] in (await client.get("/marketplace")).text


async def test_roles_reach_only_their_side(client: httpx.AsyncClient, db: AsyncSession) -> None:
    subscriber = await bearer_for(client, await contractor(db, services=["pool"], area=CIRCLE))
    homeowner = await bearer_for(client, await make_user(db, UserType.HOMEOWNER))
    assert (await client.get("/api/v1/jobs", headers=subscriber)).status_code == 403
    assert (await client.get("/api/v1/marketplace/jobs", headers=homeowner)).status_code == 403
    assert (await client.post("/api/v1/jobs", json=FORM, headers=subscriber)).status_code == 403
    listed = await client.get("/api/v1/jobs", headers=homeowner)
    assert listed.status_code == 200 and listed.json()["items"] == []


async def test_an_unverified_contractor_is_told_how_to_get_offers(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await log_in_browser(
        client, await contractor(db, services=["pool"], area=CIRCLE, verified=False)
    )
    page = await client.get("/marketplace")
    assert 'data-testid="not-verified"' in page.text and 'data-testid="offers-empty"' in page.text
