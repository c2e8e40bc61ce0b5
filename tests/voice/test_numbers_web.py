"""The phone numbers pages and API: the empty state, the search form (305 then 786, a bad area code
re-rendered with its error), buying with a name, renaming, the release confirmation, the released
history, tenancy (404), the plan gate (403 naming the plans) and CSRF."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, User, UserType
from propintel.config import get_settings
from propintel.integrations.local import voice as local_voice
from propintel.integrations.local.voice import LocalVoice
from propintel.kit.clock import now_new_york
from propintel.voice import numbers
from tests.factories import bearer_for, csrf_of, log_in_browser, make_subscriber, make_user

SETTINGS = get_settings()


async def _browser(client: httpx.AsyncClient, user: User) -> str:
    await log_in_browser(client, user)
    return csrf_of(client)


async def _buy(client: httpx.AsyncClient, csrf: str, number: str, name: str) -> httpx.Response:
    return await client.post(
        "/voice/numbers",
        data={"csrf_token": csrf, "number": number, "friendly_name": name, "area_code": ""},
    )


def _phone_id(page: str, number: str) -> str:
    match = re.search(r"/voice/numbers/([0-9a-f-]{36})/release", page)
    assert match, f"no release link for {number}"
    return match.group(1)


# --- pages ----------------------------------------------------------------------------------------
async def test_the_empty_state_links_to_the_search(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await _browser(client, await make_subscriber(db))
    page = await client.get("/voice/numbers")
    assert page.status_code == 200
    assert 'data-testid="numbers-empty"' in page.text
    assert 'href="/voice/numbers/search"' in page.text


async def test_search_buy_rename_and_release_from_the_pages(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_subscriber(db)
    csrf = await _browser(client, user)

    search = await client.get("/voice/numbers/search")
    assert search.status_code == 200
    found = re.findall(r'name="number" value="(\+1\d{10})"', search.text)
    assert found[0] == "+13055550100" and "+17865550100" in found
    assert found.index("+17865550100") > max(i for i, n in enumerate(found) if n[2:5] == "305")
    assert search.text.count(f'value="{csrf}"') >= len(found) > 0
    assert '<label for="area_code">' in search.text

    bought = await _buy(client, csrf, "+13055550100", "Office line")
    assert bought.status_code == 303 and bought.headers["location"] == "/voice/numbers"
    page = await client.get("/voice/numbers")
    assert "(305) 555-0100" in page.text and "Office line" in page.text
    assert "Simulated number (offline)" in page.text and "$1.15" in page.text
    assert "You now hold (305) 555-0100" in page.text  # the flash
    phone_id = _phone_id(page.text, "+13055550100")

    renamed = await client.post(
        f"/voice/numbers/{phone_id}/name", data={"csrf_token": csrf, "friendly_name": "Team"}
    )
    assert renamed.status_code == 303
    assert "Team" in (await client.get("/voice/numbers")).text
    refused = await client.post(
        f"/voice/numbers/{phone_id}/name", data={"csrf_token": csrf, "friendly_name": " "}
    )
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.text and "Give the number a name" in refused.text

    confirm = await client.get(f"/voice/numbers/{phone_id}/release")
    assert confirm.status_code == 200
    assert "Release (305) 555-0100" in confirm.text and f'value="{csrf}"' in confirm.text
    # nothing is released by looking at the confirmation
    call = await local_voice.dial_in(
        db, from_="+13055551234", to="+13055550100", now=now_new_york()
    )
    assert call is not None

    released = await client.post(f"/voice/numbers/{phone_id}/release", data={"csrf_token": csrf})
    assert released.status_code == 303
    page = await client.get("/voice/numbers")
    assert (
        'data-testid="numbers-released"' in page.text and 'data-testid="numbers-empty"' in page.text
    )
    again = await client.get(f"/voice/numbers/{phone_id}/release")
    assert "Already released" in again.text and "release-confirm" not in again.text
    call = await local_voice.dial_in(
        db, from_="+13055551234", to="+13055550100", now=now_new_york()
    )
    assert call is None


async def test_a_bad_area_code_is_shown_with_the_form(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await _browser(client, await make_subscriber(db))
    page = await client.get("/voice/numbers/search", params={"area_code": "30x"})
    assert page.status_code == 422
    assert "Enter a 3-digit area code" in page.text
    assert 'aria-invalid="true"' in page.text and 'value="30x"' in page.text


async def test_another_area_code_lists_only_its_numbers(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await _browser(client, await make_subscriber(db))
    page = await client.get("/voice/numbers/search", params={"area_code": "212"})
    found = re.findall(r'name="number" value="(\+1\d{10})"', page.text)
    assert found and all(n.startswith("+1212") for n in found)


async def test_a_refused_purchase_shows_the_error_by_its_number(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_subscriber(db)
    csrf = await _browser(client, user)
    response = await _buy(client, csrf, "+13055550101", "")
    assert response.status_code == 422
    assert 'id="name-13055550101-error"' in response.text
    assert "Give the number a name" in response.text
    assert 'data-testid="numbers-empty"' in (await client.get("/voice/numbers")).text


async def test_the_limit_is_explained(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await make_subscriber(db)
    csrf = await _browser(client, user)
    limit = SETTINGS.voice_numbers_per_subscriber
    for line in range(limit):
        assert (await _buy(client, csrf, f"+1305555010{line}", f"Line {line}")).status_code == 303
    page = await client.get("/voice/numbers")
    assert 'data-testid="numbers-at-limit"' in page.text
    refused = await _buy(client, csrf, "+13055550150", "One more")
    assert refused.status_code == 409
    assert 'data-testid="buy-error"' in refused.text and str(limit) in refused.text


async def test_another_subscribers_number_is_a_404(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await make_subscriber(db)
    csrf = await _browser(client, owner)
    await _buy(client, csrf, "+13055550100", "Mine")
    phone_id = _phone_id((await client.get("/voice/numbers")).text, "+13055550100")
    await client.post("/logout", data={"csrf_token": csrf})
    client.cookies.clear()

    other = await make_subscriber(db)
    csrf = await _browser(client, other)
    assert (await client.get(f"/voice/numbers/{phone_id}/release")).status_code == 404
    posted = await client.post(f"/voice/numbers/{phone_id}/release", data={"csrf_token": csrf})
    assert posted.status_code == 404
    renamed = await client.post(
        f"/voice/numbers/{phone_id}/name", data={"csrf_token": csrf, "friendly_name": "Ours"}
    )
    assert renamed.status_code == 404
    assert (await client.get(f"/voice/numbers/{uuid.uuid4()}/release")).status_code == 404


async def test_a_plan_without_ai_voice_gets_the_403_page(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    csrf = await _browser(client, await make_subscriber(db, Plan.CONTRACTOR))
    for path in ("/voice/numbers", "/voice/numbers/search"):
        page = await client.get(path)
        assert page.status_code == 403
        assert "AI voice calls" in page.text and "Upgrade your plan" in page.text
    bought = await _buy(client, csrf, "+13055550100", "Office")
    assert bought.status_code == 403


async def test_a_form_without_its_csrf_token_is_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await _browser(client, await make_subscriber(db))
    response = await client.post(
        "/voice/numbers", data={"number": "+13055550100", "friendly_name": "Office"}
    )
    assert response.status_code == 403


# --- API ------------------------------------------------------------------------------------------
async def test_the_api_buys_renames_lists_and_releases(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await bearer_for(client, await make_subscriber(db))
    empty = await client.get("/api/v1/voice/numbers", headers=headers)
    assert empty.status_code == 200
    assert empty.json() == {
        "held": [],
        "released": [],
        "limit": SETTINGS.voice_numbers_per_subscriber,
    }

    available = await client.get("/api/v1/voice/numbers/available", headers=headers)
    numbers = [n["number"] for n in available.json()]
    assert len(numbers) == 20 and numbers[0] == "+13055550100" and numbers[10] == "+17865550100"
    assert available.json()[0]["locality"] == "Miami"
    bad = await client.get(
        "/api/v1/voice/numbers/available", params={"area_code": "1"}, headers=headers
    )
    assert bad.status_code == 422 and bad.json()["field"] == "area_code"

    bought = await client.post(
        "/api/v1/voice/numbers",
        json={"number": "+17865550100", "friendly_name": "Sales"},
        headers=headers,
    )
    assert bought.status_code == 201, bought.text
    body = bought.json()
    assert body["number"] == "+17865550100" and body["friendly_name"] == "Sales"
    assert body["provider"] == "local" and body["simulated"] is True and body["active"] is True
    phone_id = body["phone_id"]

    renamed = await client.patch(
        f"/api/v1/voice/numbers/{phone_id}", json={"friendly_name": "Team"}, headers=headers
    )
    assert renamed.status_code == 200 and renamed.json()["friendly_name"] == "Team"
    listing = (await client.get("/api/v1/voice/numbers", headers=headers)).json()
    assert [n["friendly_name"] for n in listing["held"]] == ["Team"]

    gone = await client.delete(f"/api/v1/voice/numbers/{phone_id}", headers=headers)
    assert gone.status_code == 204
    again = await client.delete(f"/api/v1/voice/numbers/{phone_id}", headers=headers)
    assert again.status_code == 409
    listing = (await client.get("/api/v1/voice/numbers", headers=headers)).json()
    assert listing["held"] == [] and listing["released"][0]["active"] is False


async def test_the_api_refuses_others_and_plans_without_ai_voice(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await bearer_for(client, await make_subscriber(db))
    bought = await client.post(
        "/api/v1/voice/numbers",
        json={"number": "+13055550100", "friendly_name": "Mine"},
        headers=owner,
    )
    phone_id = bought.json()["phone_id"]
    other = await bearer_for(client, await make_subscriber(db))
    patch = await client.patch(
        f"/api/v1/voice/numbers/{phone_id}", json={"friendly_name": "Ours"}, headers=other
    )
    assert patch.status_code == 404
    delete = await client.delete(f"/api/v1/voice/numbers/{phone_id}", headers=other)
    assert delete.status_code == 404
    taken = await client.post(
        "/api/v1/voice/numbers",
        json={"number": "+13055550100", "friendly_name": "Ours"},
        headers=other,
    )
    assert taken.status_code == 409

    contractor = await bearer_for(client, await make_subscriber(db, Plan.CONTRACTOR))
    for response in (
        await client.get("/api/v1/voice/numbers", headers=contractor),
        await client.get("/api/v1/voice/numbers/available", headers=contractor),
        await client.post(
            "/api/v1/voice/numbers",
            json={"number": "+13055550101", "friendly_name": "Office"},
            headers=contractor,
        ),
    ):
        assert response.status_code == 403
        assert "AI voice calls" in response.json()["detail"]


async def test_the_pages_speak_spanish(client: httpx.AsyncClient, db: AsyncSession) -> None:
    csrf = await _browser(client, await make_subscriber(db))
    spanish = {"Accept-Language": "es"}
    empty = await client.get("/voice/numbers", headers=spanish)
    assert "Todavía no tiene números de teléfono" in empty.text
    search = await client.get("/voice/numbers/search", headers=spanish)
    assert "Comprar (305) 555-0100" in search.text and "Números disponibles" in search.text
    await _buy(client, csrf, "+13055550100", "Oficina")
    page = await client.get("/voice/numbers", headers=spanish)
    assert "Número simulado (sin conexión)" in page.text and "Oficina" in page.text
    bad = await client.get("/voice/numbers/search?area_code=9", headers=spanish)
    assert "Escriba un código de área de 3 dígitos" in bad.text


async def test_admin_economics_shows_what_numbers_cost(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_subscriber(db)
    settings = SETTINGS
    held = [
        await numbers.buy(
            db, user, LocalVoice(db), settings, number=f"+1305555010{line}",
            friendly_name="Line", now=datetime(2032, 5, 9, 10, 0),
        )
        for line in range(2)
    ]  # fmt: skip
    assert len(held) == 2
    await numbers.record_monthly_costs(db, date(2032, 6, 1))
    await log_in_browser(client, await make_user(db, UserType.ADMIN))
    params = {"period": "month", "from": "2032-05-01", "to": "2032-06-30"}
    page = await client.get("/admin/economics", params=params)
    assert page.status_code == 200
    total = await numbers.number_costs_between(db, date(2032, 5, 1), date(2032, 6, 30))
    assert total >= 4 * settings.voice_number_monthly_cost_usd  # May and June of both numbers
    assert f"Phone numbers: ${total:,.2f}" in page.text
