"""A job's photos: checked by their content (a renamed executable is refused, naming the user's
file, and nothing is stored), re-encoded without metadata, stored privately, and served only to
the homeowner and the contractors offered the job."""

from __future__ import annotations

from io import BytesIO

import httpx
from PIL import Image
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from tests.factories import bearer_for, csrf_of, log_in_browser, make_user
from tests.marketplace.helpers import DOWNTOWN, HOME_STREET, NEAR, contractor, home_at

CIRCLE = {"center": {"lat": DOWNTOWN[0], "lon": DOWNTOWN[1]}, "radius_miles": 5}
FORM = {
    "title": "Cracked pool deck",
    "description": "Two cracks across the deck near the steps.",
    "category": "pool",
    "budget": "500_2000",
    "timeline": "this_month",
    "address": HOME_STREET,
    "zip_code": "33137",
}


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


async def test_photos_are_checked_stored_and_shown_only_to_who_may_see_the_job(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await home_at(db, NEAR, "33137", HOME_STREET)
    offered = await contractor(db, services=["pool"], area=CIRCLE)
    other = await contractor(db, services=["roofing"], area=CIRCLE)
    other_api = await bearer_for(client, other)
    homeowner = await make_user(db, UserType.HOMEOWNER)
    await log_in_browser(client, homeowner)

    refused = await client.post(
        "/jobs",
        data={**FORM, "csrf_token": csrf_of(client)},
        files=[("photos", ("deck.jpg", b"MZ\x90\x00 not a photo", "image/jpeg"))],
    )
    assert (
        refused.status_code == 422 and "“deck.jpg” is not a PNG, JPEG or WebP photo" in refused.text
    )
    assert await db.scalar(text("SELECT count(*) FROM homeowner_jobs")) == 0

    posted = await client.post(
        "/jobs",
        data={**FORM, "csrf_token": csrf_of(client)},
        files=[("photos", ("deck.png", _png(), "image/png"))],
    )
    assert posted.status_code == 303
    job_url = posted.headers["location"]
    job_id = job_url.rsplit("/", 1)[1]
    photos = await db.scalar(
        text("SELECT photos FROM homeowner_jobs WHERE job_id = :j"), {"j": job_id}
    )
    assert len(photos) == 1 and photos[0]["key"].startswith(f"jobs/{job_id.replace('-', '')}/")
    mine = await client.get(f"{job_url}/photos/0")
    assert mine.status_code == 200 and mine.headers["content-type"] == "image/png"
    assert Image.open(BytesIO(mine.content)).size == (64, 48)
    assert (await client.get(f"{job_url}/photos/1")).status_code == 404

    url = f"/marketplace/jobs/{job_id}/photos/0"
    assert (await client.get(url, headers=other_api)).status_code == 404
    client.cookies.clear()
    await db.refresh(offered)
    await log_in_browser(client, offered)
    assert (await client.get(url)).status_code == 200
    assert f'src="{url}"' in (await client.get(f"/marketplace/jobs/{job_id}")).text
