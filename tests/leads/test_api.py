"""Saved-leads API: save once, pipeline moves, notes and contacts, filters, tenant isolation."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from tests.factories import api_as, bearer_for, make_subscriber, scored_property
from tests.leads.helpers import api_lead, save_lead


async def test_saving_twice_returns_the_existing_lead_scored_at_save_time(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    prop = await scored_property(db, distressed=65, new_homeowner=100)
    headers = await bearer_for(client, user)
    body = {"property_id": str(prop), "lead_source": "distressed"}

    first = await client.post("/api/v1/leads", json=body, headers=headers)
    await db.execute(text("UPDATE properties SET distressed_score = 5 WHERE property_id = :p"),
                     {"p": prop})  # fmt: skip
    again = await client.post(
        "/api/v1/leads", json={**body, "lead_source": "new_homeowner"}, headers=headers
    )

    assert first.status_code == 201, first.text
    assert (first.json()["lead_score"], first.json()["status"]) == (65, "new")
    assert again.status_code == 200
    assert again.json()["lead_id"] == first.json()["lead_id"]
    assert (again.json()["lead_source"], again.json()["lead_score"]) == ("distressed", 65)
    count = await db.scalar(text("SELECT count(*) FROM saved_leads WHERE user_id = :u"),
                            {"u": user.user_id})  # fmt: skip
    assert count == 1


async def test_lead_score_is_the_score_of_the_intent(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    headers = await bearer_for(client, user)
    scores = {}
    for source in ("new_homeowner", "distressed", "fsbo"):
        prop = await scored_property(db, distressed=40, new_homeowner=75)
        saved = await client.post(
            "/api/v1/leads", json={"property_id": str(prop), "lead_source": source},
            headers=headers,
        )  # fmt: skip
        scores[source] = saved.json()["lead_score"]
    assert scores == {"new_homeowner": 75, "distressed": 40, "fsbo": 40}


async def test_a_lead_is_saved_with_its_0_to_100_lead_score(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers = await api_as(client, db, Plan.FULL)
    prop = await scored_property(db, new_homeowner=145)

    lead = await save_lead(client, headers, prop, "new_homeowner")

    assert lead["lead_score"] == 100  # 145 points, capped like every list shows them


async def test_bad_input_gets_422_naming_the_field(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    headers = await bearer_for(client, user)
    unknown = await client.post(
        "/api/v1/leads", json={"property_id": str(uuid.uuid4()), "lead_source": "distressed"},
        headers=headers,
    )  # fmt: skip
    bad_source = await client.post(
        "/api/v1/leads",
        json={"property_id": str(await scored_property(db)), "lead_source": "cold_call"},
        headers=headers,
    )
    assert unknown.status_code == 422
    assert "property_id" in unknown.text
    assert bad_source.status_code == 422
    assert "lead_source" in bad_source.text


async def test_pipeline_moves_are_validated_and_recorded(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    headers = await bearer_for(client, user)
    prop = await scored_property(db, distressed=30)
    lead = await save_lead(client, headers, prop)
    url = f"/api/v1/leads/{lead['lead_id']}"

    skip = await client.patch(url, json={"status": "won"}, headers=headers)
    assert skip.status_code == 409
    assert "allowed: contacted, lost" in skip.json()["detail"]
    for status in ("contacted", "qualified", "appointment", "won"):
        moved = await client.patch(url, json={"status": status}, headers=headers)
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == status
    final = await client.patch(url, json={"status": "lost"}, headers=headers)
    assert final.status_code == 409  # won is final

    detail = (await client.get(url, headers=headers)).json()
    moves = [(e["from_status"], e["to_status"]) for e in detail["events"]]
    assert moves == [
        ("appointment", "won"),
        ("qualified", "appointment"),
        ("contacted", "qualified"),
        ("new", "contacted"),
    ]
    assert detail["lead"]["allowed_moves"] == []
    assert detail["property"]["property_id"] == str(prop)


async def test_lost_lead_can_be_reopened_and_unknown_status_is_422(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers, lead = await api_lead(client, db, "fsbo")
    url = f"/api/v1/leads/{lead['lead_id']}"
    assert (await client.patch(url, json={"status": "lost"}, headers=headers)).status_code == 200
    reopened = await client.patch(url, json={"status": "new"}, headers=headers)
    assert reopened.json()["status"] == "new"
    unknown = await client.patch(url, json={"status": "archived"}, headers=headers)
    assert unknown.status_code == 422
    assert "status" in unknown.text


async def test_logging_contacts_counts_dates_and_moves_a_new_lead(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers, lead = await api_lead(client, db)
    url = f"/api/v1/leads/{lead['lead_id']}"

    first = await client.post(
        f"{url}/contacts", json={"channel": "call", "body": " No answer "}, headers=headers
    )
    second = await client.post(f"{url}/contacts", json={"channel": "sms"}, headers=headers)
    note = await client.post(f"{url}/notes", json={"body": "Owner lives abroad."}, headers=headers)
    blank = await client.post(f"{url}/notes", json={"body": "   "}, headers=headers)
    bad_channel = await client.post(f"{url}/contacts", json={"channel": "fax"}, headers=headers)

    assert (first.status_code, second.status_code, note.status_code) == (201, 201, 201)
    assert first.json()["body"] == "No answer"
    assert blank.status_code == 422 and "body" in blank.text
    assert bad_channel.status_code == 422 and "channel" in bad_channel.text
    detail = (await client.get(url, headers=headers)).json()
    saved = detail["lead"]
    assert (saved["status"], saved["contact_attempts"], saved["notes"]) == (
        "contacted", 2, "Owner lives abroad."
    )  # fmt: skip
    assert saved["last_contact_date"] is not None
    assert saved["updated_at"] >= saved["created_at"]
    kinds = [(e["kind"], e["channel"] or e["to_status"]) for e in detail["events"]]
    assert kinds == [("note", None), ("contact", "sms"), ("status", "contacted"),
                     ("contact", "call")]  # fmt: skip


async def test_list_filters_and_paginates(db: AsyncSession, client: httpx.AsyncClient) -> None:
    user = await make_subscriber(db)
    headers = await bearer_for(client, user)
    for score, street in ((10, "1 OAK ST"), (50, "2 PINE ST"), (90, "3 PINE AVE")):
        prop = await scored_property(db, distressed=score, street_address=street,
                                     full_address=f"{street}, MIAMI, FL 33128")  # fmt: skip
        await save_lead(client, headers, prop)

    pine = (await client.get("/api/v1/leads?address=pine&min_score=60", headers=headers)).json()
    first = (await client.get("/api/v1/leads?limit=2", headers=headers)).json()
    cursor = first["next_cursor"]
    second = (await client.get(f"/api/v1/leads?limit=2&cursor={cursor}", headers=headers)).json()
    new = (await client.get("/api/v1/leads?status=new", headers=headers)).json()
    other_filters = await client.get(f"/api/v1/leads?status=new&cursor={cursor}", headers=headers)
    forged = await client.get("/api/v1/leads?cursor=not-a-cursor", headers=headers)

    assert [item["full_address"] for item in pine["items"]] == ["3 PINE AVE, MIAMI, FL 33128"]
    assert [item["full_address"][:10] for item in first["items"] + second["items"]] == [
        "3 PINE AVE", "2 PINE ST,", "1 OAK ST, "]  # fmt: skip
    assert (first["total"], second["total"], second["next_cursor"]) == (3, 3, None)
    assert new["total"] == 3 and new["next_cursor"] is None
    for refused in (other_filters, forged):
        assert refused.status_code == 422 and refused.json()["field"] == "cursor"
    too_big = await client.get("/api/v1/leads?limit=1000", headers=headers)
    assert too_big.status_code == 422 and "limit" in too_big.text


async def test_second_subscriber_gets_404_for_first_subscribers_lead(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    alice = await make_subscriber(db)
    bob = await make_subscriber(db)
    alice_headers = await bearer_for(client, alice)
    bob_headers = await bearer_for(client, bob)
    prop = await scored_property(db, distressed=20)
    lead = await save_lead(client, alice_headers, prop)
    url = f"/api/v1/leads/{lead['lead_id']}"

    answers = [
        await client.get(url, headers=bob_headers),
        await client.patch(url, json={"status": "contacted"}, headers=bob_headers),
        await client.post(f"{url}/notes", json={"body": "mine"}, headers=bob_headers),
        await client.post(f"{url}/contacts", json={"channel": "call"}, headers=bob_headers),
        await client.delete(url, headers=bob_headers),
    ]
    listed = (await client.get("/api/v1/leads", headers=bob_headers)).json()
    # Bob saving the same property gets a lead of his own.
    own = await client.post("/api/v1/leads", json={"property_id": str(prop),
                            "lead_source": "distressed"}, headers=bob_headers)  # fmt: skip

    assert [answer.status_code for answer in answers] == [404] * 5
    assert listed["total"] == 0
    assert own.status_code == 201 and own.json()["lead_id"] != lead["lead_id"]
    alice_view = (await client.get(url, headers=alice_headers)).json()
    assert (alice_view["lead"]["status"], alice_view["events"]) == ("new", [])


async def test_delete_removes_the_lead_and_its_history(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers, lead = await api_lead(client, db)
    url = f"/api/v1/leads/{lead['lead_id']}"
    await client.post(f"{url}/notes", json={"body": "x"}, headers=headers)

    deleted = await client.delete(url, headers=headers)

    assert deleted.status_code == 204
    assert (await client.get(url, headers=headers)).status_code == 404
    events = await db.scalar(text("SELECT count(*) FROM lead_events WHERE lead_id = :l"),
                             {"l": lead["lead_id"]})  # fmt: skip
    assert events == 0


@pytest.mark.parametrize("log", ["ai_voice_call_logs", "email_workflow_logs"])
async def test_a_lead_with_logged_calls_or_emails_is_kept(
    db: AsyncSession, client: httpx.AsyncClient, log: str
) -> None:
    headers, lead = await api_lead(client, db)
    await db.execute(text(f"INSERT INTO {log} (lead_id) VALUES (:l)"), {"l": lead["lead_id"]})

    refused = await client.delete(f"/api/v1/leads/{lead['lead_id']}", headers=headers)

    assert refused.status_code == 409
    assert "mark it lost" in refused.json()["detail"]


async def test_leads_are_for_subscribers_only(db: AsyncSession, client: httpx.AsyncClient) -> None:
    from propintel.auth.deps import ROLE_REFUSAL
    from propintel.auth.models import UserType
    from tests.factories import make_user

    homeowner = await make_user(db, UserType.HOMEOWNER)
    headers = await bearer_for(client, homeowner)
    refused = await client.get("/api/v1/leads", headers=headers)
    assert (refused.status_code, refused.json()["detail"]) == (403, ROLE_REFUSAL)
    assert (await client.get("/api/v1/leads")).status_code == 401


async def test_saving_follows_the_plan_like_search(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    from propintel.auth.models import Plan

    contractor = await make_subscriber(db, Plan.CONTRACTOR)
    no_plan = await make_subscriber(db, Plan.NONE)
    prop = str(await scored_property(db, distressed=50, new_homeowner=75))
    headers = await bearer_for(client, contractor)
    no_plan_headers = await bearer_for(client, no_plan)  # a refused request expires ORM objects

    refused = await client.post(
        "/api/v1/leads", json={"property_id": prop, "lead_source": "distressed"}, headers=headers
    )
    allowed = await client.post(
        "/api/v1/leads", json={"property_id": prop, "lead_source": "new_homeowner"},
        headers=headers,
    )  # fmt: skip
    nothing = await client.post(
        "/api/v1/leads",
        json={"property_id": prop, "lead_source": "new_homeowner"},
        headers=no_plan_headers,
    )

    assert refused.status_code == 403
    assert refused.json()["field"] == "lead_source"
    assert "investor or full plan" in refused.json()["detail"]
    assert allowed.status_code == 201
    assert nothing.status_code == 403 and "needs an active plan" in nothing.json()["detail"]
