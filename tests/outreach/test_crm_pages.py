"""CRM sync through the pages and the API: connecting (the key never rendered or returned), the
lead's CRM section with Push and Retry, the leads table's bulk push, plan gating, tenancy, the
simulated workspace's page, and the contacts CSV (columns, unlocked contacts only, CSV
injection)."""

from __future__ import annotations

import csv
import io
import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, User
from propintel.config import get_settings
from propintel.integrations.providers import crm_client
from propintel.kit.clock import now_new_york
from propintel.leads import service as leads
from propintel.outreach import crm
from propintel.outreach import unlock as unlocking
from propintel.outreach.crm_csv import COLUMNS
from propintel.search.criteria import Intent
from tests.factories import (
    bearer_for,
    csrf_of,
    funded_subscriber,
    log_in_browser,
    make_subscriber,
    saved_lead,
    scored_property,
)
from tests.outreach.crm_helpers import BASE, KEY, NOW, FakeTwenty, contact_row, queued_syncs
from tests.outreach.unlock_helpers import ScriptedTracer, match

SETTINGS = get_settings()


def app_of(client: httpx.AsyncClient) -> FastAPI:
    app: FastAPI = client._transport.app  # type: ignore[attr-defined]
    return app


async def browser(client: httpx.AsyncClient, user: User, db: AsyncSession | None = None) -> str:
    if db is not None:  # after a refused request rolled back: the user's attributes expired
        await db.refresh(user)
    await log_in_browser(client, user)
    return csrf_of(client)


async def run_sync(db: AsyncSession, lead_id: uuid.UUID) -> str:
    contact = await contact_row(db, lead_id)
    return await crm.sync_contact(
        db, contact["contact_id"], settings=SETTINGS, clients=crm_client, now=now_new_york()
    )


def parsed(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body)))


# --- connecting --------------------------------------------------------------------------------
async def test_connecting_twenty_from_the_page_shows_only_the_keys_last_4(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    twenty = FakeTwenty()
    app_of(client).state.crm_clients = twenty.clients()
    user = await make_subscriber(db)
    csrf = await browser(client, user)

    page = await client.get("/account/crm")
    assert page.status_code == 200 and "No CRM is connected." in page.text

    sent = await client.post(
        "/account/crm",
        data={"csrf_token": csrf, "mode": "twenty", "base_url": BASE, "api_key": KEY},
    )
    assert sent.status_code == 303

    page = await client.get("/account/crm")
    assert "ending in …9f3c" in page.text and BASE in page.text
    assert KEY not in page.text
    assert twenty.calls() == [("GET", "/rest/people")]


async def test_a_refused_key_re_renders_the_form_with_twentys_reason_and_without_the_key(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    app_of(client).state.crm_clients = FakeTwenty(fail=[("GET", "/rest/people", 401)]).clients()
    csrf = await browser(client, await make_subscriber(db))

    sent = await client.post(
        "/account/crm",
        data={"csrf_token": csrf, "mode": "twenty", "base_url": BASE, "api_key": KEY},
    )

    assert sent.status_code == 422
    assert "refused the API key (HTTP 401)" in sent.text
    assert 'aria-invalid="true" aria-describedby="err-api_key"' in sent.text
    assert KEY not in sent.text
    assert f'value="{BASE}"' in sent.text  # the address is kept, the key is not


async def test_the_api_never_returns_the_key(client: httpx.AsyncClient, db: AsyncSession) -> None:
    app_of(client).state.crm_clients = FakeTwenty().clients()
    headers = await bearer_for(client, await make_subscriber(db))

    put = await client.put(
        "/api/v1/crm/connection", json={"base_url": BASE, "api_key": KEY}, headers=headers
    )
    got = await client.get("/api/v1/crm/connection", headers=headers)

    for answer in (put, got):
        assert answer.status_code == 200, answer.text
        assert KEY not in answer.text
        body = answer.json()
        assert (body["connected"], body["provider"], body["key_last4"]) == (True, "twenty", "9f3c")
    deleted = await client.delete("/api/v1/crm/connection", headers=headers)
    assert deleted.status_code == 204
    got = await client.get("/api/v1/crm/connection", headers=headers)
    assert got.json() == {"connected": False, "provider": None, "simulated": False,
                          "base_url": None, "key_last4": None, "connected_at": None}  # fmt: skip


async def test_a_contractor_plan_is_refused_with_the_upgrade_message(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    contractor = await make_subscriber(db, Plan.CONTRACTOR)
    prop = await scored_property(db, new_homeowner=40)
    saved = await leads.save_leads(db, contractor, [(prop, Intent.NEW_HOMEOWNER)], [], NOW)
    lead_id = saved.lead_ids[0]
    headers = await bearer_for(client, contractor)

    put = await client.put("/api/v1/crm/connection", json={"simulator": True}, headers=headers)
    push = await client.post("/api/v1/crm/push", json={"lead_ids": [str(lead_id)]}, headers=headers)

    for refused in (put, push):
        assert refused.status_code == 403
        assert "CRM sync" in refused.json()["detail"]
    await browser(client, contractor, db)
    page = await client.get("/account/crm")
    assert 'data-testid="crm-upgrade"' in page.text and "crm-connect-form" not in page.text
    section = await client.get(f"/leads/{lead_id}/outreach")
    assert 'data-testid="crm-upgrade"' in section.text


# --- the lead's section ------------------------------------------------------------------------
async def test_push_from_the_lead_then_synced_then_failed_with_retry(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_subscriber(db)
    lead_id = await saved_lead(db, user, "12 PAGE ST")
    csrf = await browser(client, user)
    outreach = f"/leads/{lead_id}/outreach"

    page = await client.get(outreach)
    assert 'data-testid="crm-not-connected"' in page.text and 'href="/account/crm"' in page.text

    await client.post("/account/crm", data={"csrf_token": csrf, "mode": "simulator"})
    page = await client.get(outreach)
    assert 'data-testid="crm-simulator-label"' in page.text
    assert "Offline CRM simulator: nothing is sent." in page.text
    assert 'data-testid="crm-push"' in page.text

    pushed = await client.post(f"/leads/{lead_id}/crm/push", data={"csrf_token": csrf})
    assert pushed.status_code == 303 and pushed.headers["location"] == outreach
    page = await client.get(outreach)
    assert "Pending" in page.text
    assert len(await queued_syncs(db)) == 1

    assert await run_sync(db, lead_id) == "synced"
    page = await client.get(outreach)
    assert "Synced" in page.text and 'data-testid="crm-retry"' not in page.text

    await db.execute(
        text("UPDATE crm_contacts SET sync_status = 'failed', sync_error = 'Twenty refused it'")
    )
    page = await client.get(outreach)
    assert "Sync failed" in page.text and "Twenty refused it" in page.text
    assert 'data-testid="crm-retry"' in page.text

    retried = await client.post(f"/leads/{lead_id}/crm/retry", data={"csrf_token": csrf})
    assert retried.status_code == 303
    row = await contact_row(db, lead_id)
    assert (row["sync_status"], row["sync_error"]) == ("pending", None)
    assert len(await queued_syncs(db)) == 2


async def test_the_api_pushes_reports_and_retries_a_lead(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_subscriber(db)
    lead_id = await saved_lead(db, user)
    headers = await bearer_for(client, user)
    await client.put("/api/v1/crm/connection", json={"simulator": True}, headers=headers)

    state = await client.get(f"/api/v1/leads/{lead_id}/crm", headers=headers)
    assert state.json()["status"] is None and state.json()["simulated"] is True

    pushed = await client.post(
        "/api/v1/crm/push", json={"lead_ids": [str(lead_id)]}, headers=headers
    )
    assert pushed.status_code == 202
    assert pushed.json() == {"queued": 1, "created": 1, "lead_ids": [str(lead_id)]}

    await run_sync(db, lead_id)
    state = (await client.get(f"/api/v1/leads/{lead_id}/crm", headers=headers)).json()
    assert state["status"] == "synced" and state["person_id"].startswith("local-person-")

    retried = await client.post(f"/api/v1/leads/{lead_id}/crm/retry", headers=headers)
    assert retried.status_code == 202 and retried.json()["status"] == "pending"


# --- many leads at once --------------------------------------------------------------------------
async def test_the_leads_tables_selection_is_confirmed_then_pushed(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    mine = [await saved_lead(db, user, f"{n} BULK ST") for n in (1, 2)]
    theirs = await saved_lead(db, other, "99 OTHER ST")
    csrf = await browser(client, user)
    await client.post("/account/crm", data={"csrf_token": csrf, "mode": "simulator"})
    chosen = [*mine, theirs]

    confirm = await client.get("/crm/push", params={"lead_ids": [str(i) for i in chosen]})
    assert confirm.status_code == 200
    assert "1 BULK ST" in confirm.text and "2 BULK ST" in confirm.text
    assert "99 OTHER ST" not in confirm.text
    assert "Push 2 leads" in confirm.text

    refused = await client.post(
        "/crm/push", data={"csrf_token": csrf, "lead_ids": [str(i) for i in chosen]}
    )
    assert refused.status_code == 303
    assert await queued_syncs(db) == []  # another's lead among them: nothing queued

    pushed = await client.post(
        "/crm/push", data={"csrf_token": csrf, "lead_ids": [str(i) for i in mine]}
    )
    assert pushed.status_code == 303 and pushed.headers["location"] == "/leads/table"
    assert len(await queued_syncs(db)) == 2
    table = await client.get("/leads/table")
    assert "Queued 2 leads for your CRM." in table.text


# --- tenancy -------------------------------------------------------------------------------------
async def test_another_subscriber_can_neither_push_nor_see_a_leads_sync(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner, other = await make_subscriber(db), await make_subscriber(db)
    lead_id = await saved_lead(db, owner)
    owner_headers = await bearer_for(client, owner)
    await client.put("/api/v1/crm/connection", json={"simulator": True}, headers=owner_headers)
    await client.post("/api/v1/crm/push", json={"lead_ids": [str(lead_id)]}, headers=owner_headers)
    await run_sync(db, lead_id)
    headers = await bearer_for(client, other)
    await client.put("/api/v1/crm/connection", json={"simulator": True}, headers=headers)

    answers = [
        await client.post("/api/v1/crm/push", json={"lead_ids": [str(lead_id)]}, headers=headers),
        await client.get(f"/api/v1/leads/{lead_id}/crm", headers=headers),
        await client.post(f"/api/v1/leads/{lead_id}/crm/retry", headers=headers),
    ]
    assert [answer.status_code for answer in answers] == [404, 404, 404]

    await browser(client, other, db)
    page = await client.get("/crm/simulator")
    assert page.status_code == 200 and "Nothing here yet" in page.text
    await browser(client, owner, db)
    page = await client.get("/crm/simulator")
    assert "local-person-" in page.text and "Jane Doe" in page.text


# --- the contacts CSV ----------------------------------------------------------------------------
async def test_the_csv_has_the_crm_columns_and_only_the_callers_leads(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    first = await saved_lead(db, user, "1 CSV ST")
    second = await saved_lead(db, user, "2 CSV ST")
    await saved_lead(db, other, "3 THEIRS ST")
    await leads.add_note(db, user.user_id, first, "Call after 5", now_new_york())
    headers = await bearer_for(client, user)

    answer = await client.get("/api/v1/crm/contacts.csv", headers=headers)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = parsed(answer.text)
    assert tuple(rows[0]) == COLUMNS == (
        "First Name", "Last Name", "Email", "Phone", "Mobile Phone", "Street", "City", "State",
        "Postal Code", "Lead Status", "Lead Source", "Rating", "Notes",
    )  # fmt: skip
    assert len(rows) == 3
    by_note = {row[12]: row for row in rows[1:]}
    row = by_note["Call after 5"]
    assert row[:5] == ["Jane", "Doe", "", "", ""]  # nothing unlocked: no contact fields
    assert row[7:12] == ["FL", "33128", "New", "distressed", "30"]

    chosen = await client.get(
        "/api/v1/crm/contacts.csv", params={"lead_ids": [str(second)]}, headers=headers
    )
    assert len(parsed(chosen.text)) == 2
    other_headers = await bearer_for(client, other)
    theirs = await client.get(
        "/api/v1/crm/contacts.csv", params={"lead_ids": [str(first)]}, headers=other_headers
    )
    assert parsed(theirs.text) == [list(COLUMNS)]


async def test_csv_cells_that_a_spreadsheet_would_run_are_defused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_subscriber(db)
    lead_id = await saved_lead(db, user)
    await db.execute(
        text(
            "UPDATE properties SET owner_name = '=HYPERLINK(\"http://x\") CORP' "
            "WHERE property_id = (SELECT property_id FROM saved_leads WHERE lead_id = :l)"
        ),
        {"l": lead_id},
    )
    for note in ("+1 555 0100", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"):
        await leads.add_note(db, user.user_id, lead_id, note, now_new_york())
        await browser(client, user)
        answer = await client.get("/leads/export/contacts.csv")
        (row,) = parsed(answer.text)[1:]
        assert row[12] == "'" + note
        assert row[1] == '\'=HYPERLINK("http://x") CORP'
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


async def test_contact_fields_only_for_what_the_caller_unlocked_without_flagged_numbers(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user, other = await funded_subscriber(db, tokens=500), await funded_subscriber(db, tokens=500)
    lead_id = await saved_lead(db, user, "5 UNLOCKED ST")
    property_id = (await leads.lead_records(db, user.user_id, lead_ids=[lead_id]))[0].property_id
    other_lead = await saved_lead(db, other, "6 OTHER ST")
    other_property = (await leads.lead_records(db, other.user_id, lead_ids=[other_lead]))[0]
    tracer = ScriptedTracer(
        script={str(property_id): match(), str(other_property.property_id): match()}
    )
    await unlocking.unlock(
        db, user, [property_id], tracer=tracer, now=now_new_york(), settings=SETTINGS
    )
    await unlocking.unlock(db, other, [other_property.property_id], tracer=tracer,
                           now=now_new_york(), settings=SETTINGS)  # fmt: skip

    answer = await client.get("/api/v1/crm/contacts.csv", headers=await bearer_for(client, user))

    (row,) = parsed(answer.text)[1:]
    email, phone, mobile = row[2:5]
    assert email.lower() == "jane.doe@example.com"
    assert phone == "(954) 555-0160"  # the landline; the DNC mobile and the litigator left out
    assert mobile == "(305) 555-0142"
    assert "(786) 555-0150" not in answer.text and "(305) 555-0170" not in answer.text


async def test_the_leads_table_links_the_csv_and_the_account_menu_links_crm(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_subscriber(db)
    await saved_lead(db, user)
    await browser(client, user)

    table = await client.get("/leads/table")

    assert 'href="/leads/export/contacts.csv"' in table.text
    assert 'href="/account/crm"' in table.text
