"""Contact unlock through the pages: the lead's "Owner contact" section and its button, the
property's contact page, the batch from the leads table (cost first, then the results), the
messages of a provider failure, a plan without the feature and too few credits; and one
subscriber never sees another's unlock."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from tests.factories import csrf_of, funded_subscriber, log_in_browser, saved_lead, token_balance
from tests.outreach.unlock_helpers import ScriptedTracer, failing, no_match

SPANISH = {"Accept-Language": "es-US,es;q=0.9"}


def use_tracer(client: httpx.AsyncClient, tracer: Any) -> None:
    """Make the app under test use ``tracer`` (as create_app's choice by settings would)."""
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    transport.app.state.skip_tracer = tracer  # type: ignore[attr-defined]


async def browser(client: httpx.AsyncClient, db: AsyncSession, tokens: int = 500) -> User:
    user = await funded_subscriber(db, tokens=tokens)
    await log_in_browser(client, user)
    return user


async def lead_property(db: AsyncSession, lead_id: uuid.UUID) -> uuid.UUID:
    value = await db.scalar(
        text("SELECT property_id FROM saved_leads WHERE lead_id = :l"), {"l": lead_id}
    )
    assert isinstance(value, uuid.UUID)
    return value


async def post(client: httpx.AsyncClient, url: str, **data: Any) -> httpx.Response:
    return await client.post(url, data={"csrf_token": csrf_of(client), **data})


async def test_the_lead_section_offers_the_unlock_then_shows_the_contact(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await browser(client, db)
    lead = await saved_lead(db, user, "7 OCEAN DR")
    use_tracer(client, ScriptedTracer(provider="local"))

    page = await client.get(f"/leads/{lead}/outreach")
    assert page.status_code == 200
    assert 'data-testid="contact-section"' in page.text
    assert "Costs 50 credits, charged only if a contact is found." in page.text
    assert "Offline simulator: results are generated, not real." in page.text
    assert f'action="/leads/{lead}/unlock"' in page.text

    response = await post(client, f"/leads/{lead}/unlock")
    assert response.status_code == 303
    assert response.headers["location"] == f"/leads/{lead}/outreach#contact"
    page = await client.get(f"/leads/{lead}/outreach")
    assert "Owner contact unlocked: 50 credits charged." in page.text
    assert "(305) 555-0142" in page.text and "jane.doe@example.com" in page.text
    assert 'data-testid="flag-dnc"' in page.text and 'data-testid="flag-litigator"' in page.text
    assert 'data-testid="contact-simulated"' in page.text
    assert 'data-testid="unlock-contact"' not in page.text
    assert await token_balance(db, user.user_id) == 450

    again = await post(client, f"/leads/{lead}/unlock")
    page = await client.get(again.headers["location"])
    assert "You already unlocked this owner&#39;s contact; nothing was charged." in page.text
    assert await token_balance(db, user.user_id) == 450


async def test_no_match_and_provider_failure_say_so_and_charge_nothing(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await browser(client, db)
    down, empty = await saved_lead(db, user, "1 DOWN ST"), await saved_lead(db, user, "2 NONE ST")
    use_tracer(client, failing())
    response = await post(client, f"/leads/{down}/unlock")
    page = await client.get(response.headers["location"])
    assert (
        "The skip-trace provider did not answer; nothing was charged. Try again later." in page.text
    )
    assert 'data-testid="unlock-contact"' in page.text  # still to unlock

    use_tracer(client, ScriptedTracer(script={str(await lead_property(db, empty)): no_match()}))
    response = await post(client, f"/leads/{empty}/unlock")
    page = await client.get(response.headers["location"])
    assert 'data-testid="contact-no-match"' in page.text
    assert await token_balance(db, user.user_id) == 500


async def test_too_few_credits_and_a_plan_without_the_feature_are_explained(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await browser(client, db, tokens=20)
    lead = await saved_lead(db, user)
    tracer = ScriptedTracer()
    use_tracer(client, tracer)
    response = await post(client, f"/leads/{lead}/unlock")
    page = await client.get(response.headers["location"])
    assert "This needs 50 tokens; your balance is 20." in page.text
    assert tracer.calls == []

    await db.execute(
        text(
            "UPDATE subscription_plans SET features = features || '{\"contact_unlock\": false}' "
            "WHERE plan_name = 'full'"
        )
    )
    page = await client.get(f"/leads/{lead}/outreach")
    assert 'data-testid="contact-upgrade"' in page.text and "Upgrade your plan" in page.text
    assert 'data-testid="unlock-contact"' not in page.text
    response = await post(client, f"/leads/{lead}/unlock")
    page = await client.get(response.headers["location"])
    assert "Upgrade your plan" in page.text and tracer.calls == []


async def test_the_property_page_links_to_its_contact_page(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await browser(client, db)
    lead = await saved_lead(db, user, "5 BAY RD")
    prop = await lead_property(db, lead)
    use_tracer(client, ScriptedTracer(provider="local"))
    page = await client.get(f"/properties/{prop}")
    assert f'href="/properties/{prop}/contact"' in page.text

    page = await client.get(f"/properties/{prop}/contact")
    assert page.status_code == 200 and "5 BAY RD, MIAMI, FL 33139" in page.text
    assert f'action="/properties/{prop}/unlock"' in page.text
    response = await post(client, f"/properties/{prop}/unlock")
    assert response.headers["location"] == f"/properties/{prop}/contact"
    page = await client.get(response.headers["location"])
    assert "(305) 555-0142" in page.text
    # The lead's section shows the same unlock: one unlock per property and subscriber.
    section = await client.get(f"/leads/{lead}/outreach")
    assert "(305) 555-0142" in section.text


async def test_another_subscriber_sees_nothing_of_an_unlock(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await funded_subscriber(db, tokens=500)
    lead = await saved_lead(db, owner, "3 SECRET ST")
    prop = await lead_property(db, lead)
    use_tracer(client, ScriptedTracer())
    await log_in_browser(client, owner)
    await post(client, f"/leads/{lead}/unlock")
    assert "(305) 555-0142" in (await client.get(f"/properties/{prop}/contact")).text

    client.cookies.clear()
    await browser(client, db)
    assert (await client.get(f"/leads/{lead}/outreach")).status_code == 404
    assert (await post(client, f"/leads/{lead}/unlock")).status_code == 404
    page = await client.get(f"/properties/{prop}/contact")
    assert page.status_code == 200
    assert "(305) 555-0142" not in page.text and 'data-testid="unlock-contact"' in page.text
    batch = await client.get("/leads/unlock", params={"lead_ids": [str(lead)]})
    assert batch.status_code == 404


async def test_the_leads_table_batch_shows_the_cost_first_then_the_results(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await browser(client, db, tokens=120)
    leads = [await saved_lead(db, user, f"{n} BATCH AVE") for n in range(4)]
    empty = await lead_property(db, leads[0])
    tracer = ScriptedTracer(script={str(empty): no_match()})
    use_tracer(client, tracer)

    table = await client.get("/leads/table")
    assert 'action="/leads/unlock"' in table.text
    assert len(re.findall(r'name="lead_ids"', table.text)) == 4

    ids = [str(lead) for lead in leads]
    confirm = await client.get("/leads/unlock", params={"lead_ids": ids})
    assert confirm.status_code == 200
    assert "Up to 4 × 50 = 200 credits; you have 120." in confirm.text
    assert 'data-testid="unlock-short"' in confirm.text
    assert tracer.calls == [] and await token_balance(db, user.user_id) == 120

    results = await post(client, "/leads/unlock", lead_ids=ids)
    assert results.status_code == 200
    statuses = re.findall(r'data-status="(\w+)"', results.text)
    assert statuses == ["no_match", "unlocked", "unlocked", "refused"]
    assert "100 credits charged." in results.text
    assert "Unlocking stopped: This needs 50 tokens; your balance is 20." in results.text
    assert await token_balance(db, user.user_id) == 20


async def test_the_batch_page_without_a_selection_or_with_too_many(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser(client, db)
    page = await client.get("/leads/unlock")
    assert page.status_code == 200 and "No leads selected" in page.text
    page = await client.get("/leads/unlock", params={"lead_ids": ["not-a-uuid"]})
    assert page.status_code == 200 and "That is not a lead of yours." in page.text
    response = await post(client, "/leads/unlock")
    assert response.status_code == 303 and response.headers["location"] == "/leads/table"


async def test_the_section_in_spanish(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await browser(client, db)
    lead = await saved_lead(db, user)
    use_tracer(client, ScriptedTracer(provider="local"))
    page = await client.get(f"/leads/{lead}/outreach", headers=SPANISH)
    assert "Contacto del propietario" in page.text
    assert "Obtener el contacto del propietario" in page.text
    await post(client, f"/leads/{lead}/unlock")
    page = await client.get(f"/leads/{lead}/outreach", headers=SPANISH)
    assert "No llamar" in page.text and "Simulado" in page.text


async def test_a_stale_contact_offers_a_refresh_that_calls_and_charges_again(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await browser(client, db)
    lead = await saved_lead(db, user, "8 OLD RD")
    prop = await lead_property(db, lead)
    tracer = ScriptedTracer()
    use_tracer(client, tracer)
    await post(client, f"/leads/{lead}/unlock")
    page = await client.get(f"/leads/{lead}/outreach")
    assert 'data-testid="refresh-contact"' not in page.text

    await db.execute(
        text(
            "UPDATE property_contacts SET enriched_at = enriched_at - interval '91 days' "
            "WHERE property_id = :p"
        ),
        {"p": prop},
    )
    page = await client.get(f"/leads/{lead}/outreach")
    assert 'data-testid="refresh-contact"' in page.text
    assert "This contact is older than 90 days" in page.text
    response = await post(client, f"/leads/{lead}/unlock")
    page = await client.get(response.headers["location"])
    assert "Owner contact unlocked: 50 credits charged." in page.text
    assert len(tracer.calls) == 2 and await token_balance(db, user.user_id) == 400
    assert 'data-testid="refresh-contact"' not in page.text
