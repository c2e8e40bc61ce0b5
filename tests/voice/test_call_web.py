"""The AI calls pages and API: the plan gate, tenancy, placing a call from the lead's tab and the
API (the clock fixed within calling hours), the call's page, the simulator's list, empty states."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from propintel.voice import call_endpoints, call_pages
from tests.factories import api_as, bearer_for, csrf_of, log_in_browser
from tests.voice.call_helpers import MOBILE, NOW, callable_lead


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Tuesday noon: the compliance guard's calling hours do not depend on when tests run."""
    monkeypatch.setattr(call_endpoints, "now_new_york", lambda: NOW)
    monkeypatch.setattr(call_pages, "now_new_york", lambda: NOW)


async def test_a_plan_without_voice_gets_403(db: AsyncSession, client: httpx.AsyncClient) -> None:
    headers = await api_as(client, db, Plan.CONTRACTOR)
    response = await client.get("/api/v1/voice/calls", headers=headers)
    assert response.status_code == 403 and "AI voice calls" in response.json()["detail"]


async def test_place_list_and_read_a_call_through_the_api(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await callable_lead(db, tokens=100)
    headers = await bearer_for(client, owner.user)
    response = await client.post(
        "/api/v1/voice/calls",
        json={"lead_id": str(owner.lead_id), "to": MOBILE, "minutes": 3, "language": "es"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    placed = response.json()
    assert placed["status"] == "queued" and placed["time_limit_seconds"] == 180
    assert placed["language"] == "es" and placed["credits_charged"] is None
    listed = (await client.get("/api/v1/voice/calls", headers=headers)).json()
    assert [c["call_id"] for c in listed["calls"]] == [placed["call_id"]]
    one = await client.get(f"/api/v1/voice/calls/{placed['call_id']}", headers=headers)
    assert one.status_code == 200 and one.json()["phone_number"] == MOBILE
    stranger = await api_as(client, db, Plan.FULL)
    other = await client.get(f"/api/v1/voice/calls/{placed['call_id']}", headers=stranger)
    assert other.status_code == 404
    not_theirs = await client.post(
        "/api/v1/voice/calls", json={"lead_id": str(owner.lead_id)}, headers=stranger
    )
    assert not_theirs.status_code == 404


async def test_a_bad_length_is_refused_and_nothing_held(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await callable_lead(db, tokens=100)
    headers = await bearer_for(client, owner.user)
    response = await client.post(
        "/api/v1/voice/calls",
        json={"lead_id": str(owner.lead_id), "minutes": 45},
        headers=headers,
    )
    assert response.status_code == 422
    balance = (await client.get("/api/v1/tokens/balance", headers=headers)).json()
    assert balance["balance"] == 100


async def test_the_lead_tab_places_a_call_and_the_call_page_shows_it(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await callable_lead(db, tokens=100)
    await log_in_browser(client, owner.user)
    tab = await client.get(f"/leads/{owner.lead_id}/calls")
    assert tab.status_code == 200
    assert "Place the call" in tab.text and "(305) 555-1234" in tab.text
    assert "No calls with this owner yet." in tab.text
    response = await client.post(
        f"/leads/{owner.lead_id}/calls",
        data={"to": MOBILE, "minutes": "6", "language": "en", "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert page.status_code == 200
    assert "Answer it in the call simulator" in page.text
    simulator = await client.get("/voice/simulator")
    assert simulator.status_code == 200 and "(305) 555-1234" in simulator.text
    listing = await client.get("/voice/calls")
    assert "calls-table" in listing.text


async def test_an_unlocked_number_is_required(db: AsyncSession, client: httpx.AsyncClient) -> None:
    owner = await callable_lead(db, tokens=100)
    await log_in_browser(client, owner.user)
    response = await client.post(
        f"/leads/{owner.lead_id}/calls",
        data={"to": "+13055559876", "minutes": "6", "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 422
    assert "Choose one of the owner&#39;s numbers you unlocked." in response.text


async def test_no_calls_yet(db: AsyncSession, client: httpx.AsyncClient) -> None:
    owner = await callable_lead(db, tokens=100)
    await log_in_browser(client, owner.user)
    page = await client.get("/voice/calls")
    assert page.status_code == 200 and "No calls yet" in page.text
