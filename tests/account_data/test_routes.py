"""The "Your data" page and API: download, deletion refused with the form again, deletion that
logs the browser out; the API's export and DELETE with a token."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from propintel.kit.clock import today_new_york
from tests.account_data.helpers import populated_account
from tests.factories import DEFAULT_PASSWORD, bearer_for, csrf_of, log_in_browser, make_user


async def test_page_offers_the_download_and_the_deletion(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    mine = await populated_account(db)
    await log_in_browser(client, mine.user)

    page = await client.get("/account/data")

    assert page.status_code == 200
    assert 'href="/account/data/export"' in page.text
    assert 'action="/account/data/delete"' in page.text
    assert 'name="password"' in page.text
    assert "seven years" in page.text
    assert 'href="/account/data"' in page.text  # the account area links here


async def test_download_is_a_dated_json_attachment_of_the_owner(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    mine = await populated_account(db)
    email = mine.user.email
    await populated_account(db)
    await log_in_browser(client, mine.user)

    response = await client.get("/account/data/export")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    day = today_new_york().strftime("%Y%m%d")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="propintel-data-{day}.json"'
    )
    document = response.json()
    assert [row["email"] for row in document["data"]["account"]["user"]] == [email]
    assert [r["lead_id"] for r in document["data"]["leads"]["saved_leads"]] == [str(mine.lead_id)]


async def test_wrong_confirmation_shows_the_form_again_and_deletes_nothing(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    mine = await populated_account(db)
    email, user_id = mine.user.email, mine.user.user_id
    await log_in_browser(client, mine.user)
    await client.get("/account/data")

    response = await client.post(
        "/account/data/delete",
        data={"email": email, "password": "wrong", "csrf_token": csrf_of(client)},
    )

    assert response.status_code == 422
    assert 'role="alert"' in response.text and "password is not correct" in response.text
    assert 'aria-invalid="true"' in response.text
    assert (await client.get("/account/data")).status_code == 200  # still logged in
    still = "SELECT erased_at FROM users WHERE user_id = :u"
    assert (await db.execute(text(still), {"u": user_id})).scalar_one() is None


async def test_deletion_without_csrf_is_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    mine = await populated_account(db)
    email, user_id = mine.user.email, mine.user.user_id
    await log_in_browser(client, mine.user)

    response = await client.post(
        "/account/data/delete", data={"email": email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 403
    still = "SELECT erased_at FROM users WHERE user_id = :u"
    assert (await db.execute(text(still), {"u": user_id})).scalar_one() is None


async def test_deletion_logs_the_browser_out_and_says_goodbye(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    mine = await populated_account(db)
    email = mine.user.email
    await log_in_browser(client, mine.user)
    await client.get("/account/data")

    response = await client.post(
        "/account/data/delete",
        data={
            "email": email,
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf_of(client),
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/account/deleted"
    assert "propintel_session" in response.headers["set-cookie"]  # cleared
    goodbye = await client.get("/account/deleted")
    assert goodbye.status_code == 200 and "Your account is deleted" in goodbye.text
    assert email not in goodbye.text
    assert (await client.get("/account/data")).status_code in (303, 401)
    login = await client.post(
        "/login",
        data={
            "email": email,
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf_of(client),
        },
    )
    assert login.status_code != 303


async def test_api_export_and_delete_with_a_token(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    mine = await populated_account(db)
    email, user_id = mine.user.email, mine.user.user_id
    headers = await bearer_for(client, mine.user)

    exported = await client.get("/api/v1/account/export", headers=headers)
    assert exported.status_code == 200
    assert json.loads(exported.text)["user_id"] == str(user_id)

    refused = await client.request(
        "DELETE", "/api/v1/account", headers=headers, json={"email": "nobody@example.com"}
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "email" or "email" in refused.text

    deleted = await client.request(
        "DELETE",
        "/api/v1/account",
        headers=headers,
        json={"email": email, "password": DEFAULT_PASSWORD},
    )
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["erased"] is True
    assert deleted.json()["leads_deleted"] == 1
    assert (await client.get("/api/v1/account/export", headers=headers)).status_code == 401


async def test_an_admin_cannot_delete_their_account_here(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await make_user(db, UserType.ADMIN)
    email, user_id = admin.email, admin.user_id
    headers = await bearer_for(client, admin)

    response = await client.request(
        "DELETE",
        "/api/v1/account",
        headers=headers,
        json={"email": email, "password": DEFAULT_PASSWORD},
    )

    assert response.status_code == 403
    still = "SELECT erased_at FROM users WHERE user_id = :u"
    assert (await db.execute(text(still), {"u": user_id})).scalar_one() is None


async def test_admins_see_an_erased_account_as_such(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    mine = await populated_account(db)
    email, user_id = mine.user.email, mine.user.user_id
    headers = await bearer_for(client, mine.user)
    deleted = await client.request(
        "DELETE",
        "/api/v1/account",
        headers=headers,
        json={"email": email, "password": DEFAULT_PASSWORD},
    )
    assert deleted.status_code == 200
    admin = await make_user(db, UserType.ADMIN)
    await log_in_browser(client, admin)

    listed = await client.get("/admin/users", params={"q": str(user_id)})
    one = await client.get(f"/admin/users/{user_id}")

    assert 'data-testid="erased"' in listed.text
    assert "erased by its owner" in one.text
    assert "/suspend" not in one.text and "/reactivate" not in one.text
    assert email not in listed.text + one.text


async def test_the_page_speaks_spanish(client: httpx.AsyncClient, db: AsyncSession) -> None:
    mine = await populated_account(db)
    await log_in_browser(client, mine.user)
    client.cookies.set("propintel_locale", "es")

    page = await client.get("/account/data")

    assert "Sus datos" in page.text and "Eliminar mi cuenta" in page.text
    assert "siete años" in page.text
