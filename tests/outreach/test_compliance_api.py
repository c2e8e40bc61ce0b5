"""The guard's API: consents (page, record, revoke), opt-outs, and the dry-run check; scoped by
the caller."""

from __future__ import annotations

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from tests.factories import bearer_for, make_subscriber, make_user, saved_lead

CONSENT = {
    "contact": "(305) 555-0142",
    "channel": "sms",
    "source": "web_form",
    "evidence": "Web form submission #4411",
    "consented_at": "2026-06-30T10:15:00-04:00",
}


async def test_record_list_and_revoke_a_consent(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await bearer_for(client, await make_subscriber(db))

    created = await client.post("/api/v1/outreach/consents", json=CONSENT, headers=headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["contact"] == "+13055550142" and body["active"] is True
    assert body["consented_at"] == "2026-06-30T10:15:00-04:00"

    listed = await client.get("/api/v1/outreach/consents", headers=headers)
    assert [item["consent_id"] for item in listed.json()["items"]] == [body["consent_id"]]
    by_contact = await client.get(
        "/api/v1/outreach/consents", params={"contact": "305-555-0000"}, headers=headers
    )
    assert by_contact.json()["items"] == []

    revoked = await client.post(
        f"/api/v1/outreach/consents/{body['consent_id']}/revoke", headers=headers
    )
    assert revoked.status_code == 200 and revoked.json()["active"] is False


async def test_consents_page_by_cursor(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await bearer_for(client, await make_subscriber(db))
    for n in range(3):
        payload = {**CONSENT, "contact": f"305555010{n}"}
        assert (
            await client.post("/api/v1/outreach/consents", json=payload, headers=headers)
        ).status_code == 201
    first = (await client.get("/api/v1/outreach/consents?limit=2", headers=headers)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = await client.get(
        "/api/v1/outreach/consents",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=headers,
    )
    assert len(second.json()["items"]) == 1 and second.json()["next_cursor"] is None
    foreign = await client.get(
        "/api/v1/outreach/consents",
        params={"cursor": first["next_cursor"], "contact": "3055550100"},
        headers=headers,
    )
    assert foreign.status_code == 422


async def test_a_bad_consent_names_its_field(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await bearer_for(client, await make_subscriber(db))
    bad_contact = await client.post(
        "/api/v1/outreach/consents", json={**CONSENT, "contact": "555"}, headers=headers
    )
    assert bad_contact.status_code == 422
    assert "not a valid US phone number" in bad_contact.text
    no_evidence = await client.post(
        "/api/v1/outreach/consents", json={**CONSENT, "evidence": ""}, headers=headers
    )
    assert no_evidence.status_code == 422 and "evidence" in no_evidence.text
    bad_source = await client.post(
        "/api/v1/outreach/consents", json={**CONSENT, "source": "rumour"}, headers=headers
    )
    assert bad_source.status_code == 422


async def test_anothers_consent_is_not_found(client: httpx.AsyncClient, db: AsyncSession) -> None:
    owner = await bearer_for(client, await make_subscriber(db))
    created = (await client.post("/api/v1/outreach/consents", json=CONSENT, headers=owner)).json()
    other = await bearer_for(client, await make_subscriber(db))
    response = await client.post(
        f"/api/v1/outreach/consents/{created['consent_id']}/revoke", headers=other
    )
    assert response.status_code == 404
    assert (await client.get("/api/v1/outreach/consents", headers=other)).json()["items"] == []


async def test_opt_outs(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await bearer_for(client, await make_subscriber(db))
    payload = {"contact": "Owner@Example.com", "channel": "email"}
    first = await client.post("/api/v1/outreach/opt-outs", json=payload, headers=headers)
    assert first.status_code == 201 and first.json() == {"created": True}
    again = await client.post("/api/v1/outreach/opt-outs", json=payload, headers=headers)
    assert again.status_code == 200 and again.json() == {"created": False}
    [item] = (await client.get("/api/v1/outreach/opt-outs", headers=headers)).json()["items"]
    assert (item["contact"], item["channel"], item["reason"]) == (
        "owner@example.com",
        "email",
        "manual",
    )
    bad = await client.post(
        "/api/v1/outreach/opt-outs", json={"contact": "x", "channel": "fax"}, headers=headers
    )
    assert bad.status_code == 422


async def test_the_check_is_a_dry_run(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await make_subscriber(db)
    lead = await saved_lead(db, user)
    headers = await bearer_for(client, user)

    response = await client.post(
        "/api/v1/outreach/check",
        json={"channel": "sms", "contact": "305-555-0142", "lead_id": str(lead)},
        headers=headers,
    )

    assert response.status_code == 200
    assert response.json() == {
        "allowed": False,
        "rule": "no_consent",
        "rule_label": "No recorded consent",
        "message": "Record the owner's consent (source and evidence) before texting or calling: "
        "Florida's FTSA and the TCPA require it for marketing texts and calls.",
    }
    email = await client.post(
        "/api/v1/outreach/check",
        json={"channel": "email", "contact": "a@example.com"},
        headers=headers,
    )
    assert email.json() == {"allowed": True, "rule": None, "rule_label": None, "message": None}
    assert await db.scalar(text("SELECT count(*) FROM outreach_attempts")) == 0


async def test_the_check_refuses_anothers_lead(client: httpx.AsyncClient, db: AsyncSession) -> None:
    lead = await saved_lead(db, await make_subscriber(db))
    headers = await bearer_for(client, await make_subscriber(db))
    response = await client.post(
        "/api/v1/outreach/check",
        json={"channel": "email", "contact": "a@example.com", "lead_id": str(lead)},
        headers=headers,
    )
    assert response.status_code == 404


async def test_subscribers_only(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await bearer_for(client, await make_user(db, UserType.HOMEOWNER))
    assert (await client.get("/api/v1/outreach/consents", headers=headers)).status_code == 403
    assert (await client.get("/api/v1/outreach/consents")).status_code == 401
