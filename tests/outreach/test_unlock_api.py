"""Contact unlock through the API: one property, selected leads, the quote, reading a contact;
the status codes of each refusal; another subscriber's unlock and leads are not found."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from tests.factories import bearer_for, funded_subscriber, make_subscriber, saved_lead
from tests.outreach.test_unlock_pages import lead_property, use_tracer
from tests.outreach.unlock_helpers import ScriptedTracer, failing, no_match


async def test_unlock_a_property_then_read_its_contact(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await funded_subscriber(db, tokens=500)
    headers = await bearer_for(client, user)
    prop = await lead_property(db, await saved_lead(db, user))
    tracer = ScriptedTracer()
    use_tracer(client, tracer)
    await db.commit()  # a refused request rolls back what the test has not committed

    assert (
        await client.get(f"/api/v1/properties/{prop}/contact", headers=headers)
    ).status_code == 404
    response = await client.post(f"/api/v1/properties/{prop}/unlock", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "unlocked" and body["tokens_charged"] == 50
    assert body["from_cache"] is False
    contact = body["contact"]
    assert contact["matched"] and contact["best_phone"] == "+13055550142"
    assert contact["provider"] == "batchdata" and contact["simulated"] is False
    assert contact["phones"][0] == {
        "number": "+17865550150",
        "display": "(786) 555-0150",
        "type": "mobile",
        "carrier": "Verizon",
        "dnc": True,
        "litigator": False,
        "score": 99,
        "unverified": [],
    }
    assert contact["emails"] == ["jane.doe@example.com", "jd@example.net"]
    assert contact["enriched_at"].endswith(("-04:00", "-05:00"))

    again = await client.post(f"/api/v1/properties/{prop}/unlock", headers=headers)
    assert again.json()["status"] == "already_unlocked" and again.json()["tokens_charged"] == 0
    read = await client.get(f"/api/v1/properties/{prop}/contact", headers=headers)
    assert read.status_code == 200 and read.json()["emails"] == contact["emails"]
    assert len(tracer.calls) == 1

    stranger = await bearer_for(client, await funded_subscriber(db, tokens=500))
    hidden = await client.get(f"/api/v1/properties/{prop}/contact", headers=stranger)
    assert hidden.status_code == 404
    assert hidden.json()["detail"] == "You have not unlocked this owner's contact."


async def test_refusals_have_their_status_codes(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    poor = await funded_subscriber(db, tokens=10)
    prop = await lead_property(db, await saved_lead(db, poor))
    use_tracer(client, ScriptedTracer())
    headers = await bearer_for(client, poor)
    response = await client.post(f"/api/v1/properties/{prop}/unlock", headers=headers)
    assert response.status_code == 402

    rich = await bearer_for(client, await funded_subscriber(db, tokens=500))
    use_tracer(client, failing())
    response = await client.post(f"/api/v1/properties/{prop}/unlock", headers=rich)
    assert response.status_code == 503
    assert "nothing was charged" in response.json()["detail"]

    contractor = await bearer_for(client, await make_subscriber(db, Plan.CONTRACTOR))
    outside = await client.post(f"/api/v1/properties/{prop}/unlock", headers=contractor)
    assert outside.status_code == 403  # a distressed lead: not in the contractor plan

    await db.execute(
        text(
            "UPDATE subscription_plans SET features = features || '{\"contact_unlock\": false}' "
            "WHERE plan_name = 'full'"
        )
    )
    gated = await client.post(f"/api/v1/properties/{prop}/unlock", headers=rich)
    assert gated.status_code == 403 and "Upgrade your plan" in gated.json()["detail"]
    missing = await client.post(f"/api/v1/properties/{uuid.uuid4()}/unlock", headers=contractor)
    assert missing.status_code in (403, 404)


async def test_quote_then_unlock_selected_leads(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await funded_subscriber(db, tokens=120)
    headers = await bearer_for(client, user)
    leads = [await saved_lead(db, user, f"{n} API WAY") for n in range(4)]
    empty = await lead_property(db, leads[1])
    tracer = ScriptedTracer(script={str(empty): no_match()})
    use_tracer(client, tracer)
    ids = [str(lead) for lead in leads]

    quote = await client.get(
        "/api/v1/leads/unlock/quote", params={"lead_ids": ids}, headers=headers
    )
    assert quote.status_code == 200
    assert quote.json() == {
        "selected": 4,
        "already_unlocked": 0,
        "known_no_match": 0,
        "outside_plan": 0,
        "chargeable": 4,
        "price": 50,
        "max_total": 200,
        "balance": 120,
        "affordable": False,
    }
    assert tracer.calls == []

    response = await client.post("/api/v1/leads/unlock", json={"lead_ids": ids}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["status"] for item in body["items"]] == [
        "unlocked", "no_match", "unlocked", "refused"
    ]  # fmt: skip
    assert [item["lead_id"] for item in body["items"]] == ids
    assert body["tokens_charged"] == 100
    assert body["counts"]["unlocked"] == 2 and body["counts"]["refused"] == 1
    assert body["stopped_by"] == "This needs 50 tokens; your balance is 20."
    assert body["items"][3]["contact"] is None  # not unlocked: nothing shown

    requote = await client.get(
        "/api/v1/leads/unlock/quote", params={"lead_ids": ids}, headers=headers
    )
    assert requote.json()["already_unlocked"] == 3 and requote.json()["chargeable"] == 1


async def test_anothers_leads_and_bad_bodies_are_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await funded_subscriber(db, tokens=500)
    theirs = await saved_lead(db, owner)
    headers = await bearer_for(client, await funded_subscriber(db, tokens=500))
    tracer = ScriptedTracer()
    use_tracer(client, tracer)
    response = await client.post(
        "/api/v1/leads/unlock", json={"lead_ids": [str(theirs)]}, headers=headers
    )
    assert response.status_code == 404
    quote = await client.get(
        "/api/v1/leads/unlock/quote", params={"lead_ids": [str(theirs)]}, headers=headers
    )
    assert quote.status_code == 404
    empty = await client.post("/api/v1/leads/unlock", json={"lead_ids": []}, headers=headers)
    assert empty.status_code == 422
    too_many = [str(uuid.uuid4()) for _ in range(501)]
    big = await client.post("/api/v1/leads/unlock", json={"lead_ids": too_many}, headers=headers)
    assert big.status_code == 422
    assert tracer.calls == []


async def test_a_cookie_session_needs_the_csrf_header(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    from tests.factories import csrf_of, log_in_browser

    user = await funded_subscriber(db, tokens=500)
    prop = await lead_property(db, await saved_lead(db, user))
    use_tracer(client, ScriptedTracer())
    await log_in_browser(client, user)
    refused = await client.post(f"/api/v1/properties/{prop}/unlock")
    assert refused.status_code == 403
    allowed = await client.post(
        f"/api/v1/properties/{prop}/unlock", headers={"X-CSRF-Token": csrf_of(client)}
    )
    assert allowed.status_code == 200
