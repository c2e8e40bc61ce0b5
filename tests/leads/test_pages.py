"""Lead pages: save from a form, the board and its moves, the table's filters, the lead page's
forms, deletion with confirmation; CSRF on every form; another subscriber's lead is a 404."""

from __future__ import annotations

import html
import re
import uuid
from datetime import datetime

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.leads import service as leads_service
from propintel.leads.models import LeadStatus
from propintel.web.security import CSRF_REFUSAL
from tests.factories import csrf_of, log_in_browser, make_subscriber, saved_lead, scored_property


async def _save(client: httpx.AsyncClient, prop: uuid.UUID, source: str = "distressed") -> str:
    """Save through the page form; returns the lead page's path."""
    saved = await client.post(
        "/leads",
        data={"property_id": str(prop), "lead_source": source, "csrf_token": csrf_of(client)},
    )
    assert saved.status_code == 303, saved.text
    return saved.headers["location"]


async def test_save_form_creates_once_and_board_shows_the_lead(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    prop = await scored_property(db, distressed=45, full_address="7 CORAL WAY, MIAMI, FL 33145")
    await log_in_browser(client, user)

    empty = await client.get("/leads")
    first = await _save(client, prop)
    second = await _save(client, prop)
    board = await client.get("/leads")
    no_csrf = await client.post("/leads", data={"property_id": str(prop), "lead_source": "fsbo"})

    assert "No saved leads yet" in empty.text
    assert first == second and re.fullmatch(r"/leads/[0-9a-f-]{36}", first)
    assert board.status_code == 200
    assert 'data-testid="column-new"' in board.text and "7 CORAL WAY" in board.text
    assert "Contacted →" in board.text and "Mark lost" in board.text
    assert no_csrf.status_code == 403 and CSRF_REFUSAL in no_csrf.text
    count = await db.scalar(text("SELECT count(*) FROM saved_leads WHERE user_id = :u"),
                            {"u": user.user_id})  # fmt: skip
    assert count == 1


async def test_moves_from_the_board_and_illegal_moves_flash_an_error(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    lead_path = await _save(client, await scored_property(db, distressed=10))

    moved = await client.post(
        f"{lead_path}/status",
        data={"status": "contacted", "return_to": "board", "csrf_token": csrf_of(client)},
    )
    illegal = await client.post(
        f"{lead_path}/status",
        data={"status": "won", "return_to": "elsewhere", "csrf_token": csrf_of(client)},
    )
    page = await client.get(illegal.headers["location"])

    assert (moved.status_code, moved.headers["location"]) == (303, "/leads")
    assert (illegal.status_code, illegal.headers["location"]) == (303, lead_path)
    assert "A contacted lead cannot move to won" in page.text
    assert 'data-testid="lead-status">contacted<' in page.text


async def test_lead_page_notes_contacts_and_field_errors(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    lead_path = await _save(client, await scored_property(db, distressed=10, owner_name="ROE R"))
    csrf = csrf_of(client)

    contact = await client.post(
        f"{lead_path}/contacts",
        data={"channel": "call", "body": "Left a voicemail", "csrf_token": csrf},
    )
    note = await client.post(
        f"{lead_path}/notes", data={"body": "Call after 5pm", "csrf_token": csrf}
    )
    blank = await client.post(f"{lead_path}/notes", data={"body": "  ", "csrf_token": csrf})
    bad_channel = await client.post(
        f"{lead_path}/contacts", data={"channel": "pigeon", "csrf_token": csrf}
    )
    page = await client.get(lead_path)

    assert (contact.status_code, note.status_code) == (303, 303)
    assert blank.status_code == 422 and 'data-testid="error-body"' in blank.text
    assert bad_channel.status_code == 422 and 'data-testid="error-channel"' in bad_channel.text
    assert "Contact by call: Left a voicemail" in page.text
    assert "Note: Call after 5pm" in page.text
    assert "Moved from new to <strong>contacted</strong>" in page.text
    assert "ROE R" in page.text and "Next actions" in page.text


async def test_table_filters_and_paginates(db: AsyncSession, client: httpx.AsyncClient) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    for number in range(27):
        prop = await scored_property(
            db, distressed=number, full_address=f"{number} BAY RD, MIAMI, FL 33139"
        )
        await _save(client, prop)

    first = await client.get("/leads/table?address=bay")
    next_url = html.unescape(re.findall(r'<a href="([^"]+)">Next page</a>', first.text)[0])
    second = await client.get(next_url)
    other_filters = await client.get(next_url.replace("address=bay", "address=rd"))
    filtered = await client.get("/leads/table?min_score=25&address=bay&status=nonsense")
    none = await client.get("/leads/table?status=won")

    assert first.text.count("BAY RD") == 25 and "First page" not in first.text
    assert next_url.startswith("/leads/table?address=bay&cursor=")
    assert second.text.count("BAY RD") == 2 and "27 leads" in second.text
    assert "Next page" not in second.text
    assert '<a href="/leads/table?address=bay">First page</a>' in second.text
    assert other_filters.status_code == 422  # a cursor continues only its own filters
    assert filtered.text.count("BAY RD") == 2 and "2 leads" in filtered.text
    assert "No leads match" in none.text and "clear the filters" in none.text


async def test_delete_asks_for_confirmation_first(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    lead_path = await _save(client, await scored_property(db))

    confirm = await client.get(f"{lead_path}/delete")
    still_there = await client.get(lead_path)
    deleted = await client.post(f"{lead_path}/delete", data={"csrf_token": csrf_of(client)})

    assert "Delete this lead?" in confirm.text and still_there.status_code == 200
    assert (deleted.status_code, deleted.headers["location"]) == (303, "/leads")
    assert (await client.get(lead_path)).status_code == 404


async def test_another_subscribers_lead_pages_are_404(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    alice = await make_subscriber(db)
    bob = await make_subscriber(db)
    await log_in_browser(client, alice)
    lead_path = await _save(client, await scored_property(db))
    client.cookies.clear()
    await log_in_browser(client, bob)
    csrf = csrf_of(client)

    answers = [
        await client.get(lead_path),
        await client.get(f"{lead_path}/delete"),
        await client.post(f"{lead_path}/status", data={"status": "lost", "csrf_token": csrf}),
        await client.post(f"{lead_path}/notes", data={"body": "x", "csrf_token": csrf}),
        await client.post(f"{lead_path}/contacts", data={"channel": "sms", "csrf_token": csrf}),
        await client.post(f"{lead_path}/delete", data={"csrf_token": csrf}),
    ]
    assert [answer.status_code for answer in answers] == [404] * 6


async def test_saving_from_the_search_results_returns_to_the_same_search(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    prop = await scored_property(db, distressed=60, full_address="9 FLAGLER ST, MIAMI, FL 33130")
    await log_in_browser(client, user)
    search = "/search?intent=distressed&min_score=50"
    results = await client.get(search)
    assert 'data-testid="save-lead-result"' in results.text and "9 FLAGLER ST" in results.text
    form = {"property_id": str(prop), "lead_source": "distressed", "csrf_token": csrf_of(client)}
    saved = await client.post("/leads", data={**form, "back": search})
    assert saved.status_code == 303 and saved.headers["location"] == search
    elsewhere = await client.post("/leads", data={**form, "back": "https://evil.example/"})
    assert re.fullmatch(r"/leads/[0-9a-f-]{36}", elsewhere.headers["location"])  # not followed
    count = await db.scalar(
        text("SELECT count(*) FROM saved_leads WHERE user_id = :u"), {"u": user.user_id}
    )
    assert count == 1


async def test_the_board_shows_each_status_newest_first_up_to_its_limit_with_its_total(
    db: AsyncSession,
) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    await saved_lead(db, other, "9 OTHER ST")  # another subscriber's: on no column of ours
    leads = {}
    for n, (address, status) in enumerate(
        [("1 A ST", "new"), ("2 B ST", "won"), ("3 C ST", "new"), ("4 D ST", "new"),
         ("5 E ST", "won")]
    ):  # fmt: skip
        lead_id = await saved_lead(db, user, address)
        await db.execute(
            text("UPDATE saved_leads SET status = :status, updated_at = :at WHERE lead_id = :id"),
            {"status": status, "at": datetime(2026, 12, 1, 9 + n), "id": lead_id},
        )
        leads[address] = lead_id

    board = await leads_service.board(db, user.user_id, per_status=2)

    shown = {status: ([row.lead.lead_id for row in rows], total) for status, rows, total in board}
    assert [status for status, _, _ in board] == list(LeadStatus)
    assert shown[LeadStatus.NEW] == ([leads["4 D ST"], leads["3 C ST"]], 3)  # 1 A ST: third
    assert shown[LeadStatus.WON] == ([leads["5 E ST"], leads["2 B ST"]], 2)
    assert shown[LeadStatus.CONTACTED] == ([], 0)
    assert {row.full_address for _, rows, _ in board for row in rows} >= {"4 D ST, MIAMI, FL 33139"}
