"""Saved-search pages (save the search just run, list, re-run, alerts, delete) and the local
outbox page (own emails only; admins all; absent when SendGrid is configured)."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from propintel.integrations.email import EmailMessage
from propintel.integrations.local.email import LocalEmail
from propintel.web.security import CSRF_REFUSAL
from tests.factories import csrf_of, log_in_browser, make_subscriber, make_user


async def test_save_the_search_just_run_then_list_rerun_and_delete(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    query = "intent=distressed&zip=33139+33140&min_score=20&cursor=abc"

    form = await client.get(f"/saved-searches/new?{query}")
    saved = await client.post(
        "/saved-searches",
        data={"query": query, "search_name": "Beach", "alert_frequency": "weekly",
              "csrf_token": csrf_of(client)},
    )  # fmt: skip
    listing = await client.get("/saved-searches")

    assert form.status_code == 200
    assert "intent: distressed · zip: 33139, 33140 · min score: 20" in form.text
    assert (saved.status_code, saved.headers["location"]) == (303, "/saved-searches")
    assert "Beach" in listing.text
    assert "/search?intent=distressed&amp;zip=33139&amp;zip=33140&amp;min_score=20" in listing.text
    search_id = listing.text.split("/saved-searches/")[1].split('"')[0]
    rerun = await client.get(f"/saved-searches/{search_id}")
    assert rerun.headers["location"] == "/search?intent=distressed&zip=33139&zip=33140&min_score=20"
    search_page = await client.get(rerun.headers["location"])
    assert search_page.status_code == 200 and 'data-testid="save-search"' in search_page.text

    update = await client.post(
        f"/saved-searches/{search_id}",
        data={"search_name": "Beach", "alert_frequency": "none", "csrf_token": csrf_of(client)},
    )
    confirm = await client.get(f"/saved-searches/{search_id}/delete")
    deleted = await client.post(
        f"/saved-searches/{search_id}/delete", data={"csrf_token": csrf_of(client)}
    )
    assert update.status_code == 303
    assert "Delete this saved search?" in confirm.text
    assert deleted.status_code == 303
    assert "No saved searches yet" in (await client.get("/saved-searches")).text


async def test_the_list_pages_with_a_cursor(
    db: AsyncSession, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("propintel.saved_searches.pages.PER_PAGE", 2)
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    for name in ("Alpha", "Bravo", "Charlie"):
        form = {"query": "zip=33139", "search_name": name, "csrf_token": csrf_of(client)}
        assert (await client.post("/saved-searches", data=form)).status_code == 303

    first = await client.get("/saved-searches")
    next_url = html.unescape(re.findall(r'<a href="([^"]+)">Next page</a>', first.text)[0])
    second = await client.get(next_url)
    forged = await client.get("/saved-searches?cursor=not-a-cursor")

    assert "Charlie" in first.text and "Bravo" in first.text and "Alpha" not in first.text
    assert "First page" not in first.text and next_url.startswith("/saved-searches?cursor=")
    assert "Alpha" in second.text and "Charlie" not in second.text
    assert '<a href="/saved-searches">First page</a>' in second.text
    assert "Next page" not in second.text
    assert forged.status_code == 422


async def test_bad_criteria_or_name_show_the_form_again_with_the_error(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    csrf = csrf_of(client)

    bad_zip = await client.post(
        "/saved-searches", data={"query": "zip=abc", "search_name": "x", "csrf_token": csrf}
    )
    no_name = await client.post(
        "/saved-searches", data={"query": "zip=33139", "search_name": " ", "csrf_token": csrf}
    )
    no_csrf = await client.post("/saved-searches", data={"query": "", "search_name": "x"})

    assert bad_zip.status_code == 422 and "zip" in bad_zip.text and "not a 5-digit" in bad_zip.text
    assert no_name.status_code == 422 and 'data-testid="error-form"' in no_name.text
    assert 'value="zip=33139"' in no_name.text
    assert no_csrf.status_code == 403 and CSRF_REFUSAL in no_csrf.text


async def test_another_subscribers_saved_search_pages_are_404(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    alice = await make_subscriber(db)
    bob = await make_subscriber(db)
    await log_in_browser(client, alice)
    await client.post(
        "/saved-searches",
        data={"query": "zip=33139", "search_name": "A's", "csrf_token": csrf_of(client)},
    )
    search_id = (await client.get("/saved-searches")).text.split("/saved-searches/")[1][:36]
    client.cookies.clear()
    await log_in_browser(client, bob)
    csrf = csrf_of(client)

    answers = [
        await client.get(f"/saved-searches/{search_id}"),
        await client.get(f"/saved-searches/{search_id}/delete"),
        await client.post(
            f"/saved-searches/{search_id}",
            data={"search_name": "B", "alert_frequency": "daily", "csrf_token": csrf},
        ),
        await client.post(f"/saved-searches/{search_id}/delete", data={"csrf_token": csrf}),
    ]
    assert [answer.status_code for answer in answers] == [404] * 4
    assert "A&#39;s" not in (await client.get("/saved-searches")).text


async def test_outbox_shows_own_emails_and_admins_see_all(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    alice = await make_subscriber(db)
    bob = await make_subscriber(db)
    admin = await make_user(db, UserType.ADMIN)
    outbox = LocalEmail(db, "alerts@example.com")
    for user, subject in ((alice, "For Alice"), (bob, "For Bob")):
        await outbox.send(
            EmailMessage(user.email, subject, "text", "<p>x</p>", user_id=user.user_id)
        )

    await log_in_browser(client, alice)
    mine = await client.get("/outbox")
    client.cookies.clear()
    await log_in_browser(client, admin)
    everyone = await client.get("/outbox")
    client.cookies.clear()
    await log_in_browser(client, alice)

    assert "Local email outbox" in mine.text
    assert "For Alice" in mine.text and "For Bob" not in mine.text
    assert "For Alice" in everyone.text and "For Bob" in everyone.text
    ids = [part[:36] for part in everyone.text.split("/outbox/")[1:]]
    pages = [await client.get(f"/outbox/{email_id}") for email_id in ids]
    assert sorted(page.status_code for page in pages) == [200, 404]  # Bob's is not Alice's
