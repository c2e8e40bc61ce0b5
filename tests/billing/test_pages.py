"""Billing pages through the offline simulator: Checkout, webhooks and jobs end to end, in one
test transaction; each subscriber sees only their own checkout."""

from __future__ import annotations

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from tests.billing.helpers import plan_id, run_deferred
from tests.factories import csrf_of, log_in_browser, make_subscriber, token_balance


async def _start_bundle_checkout(client: httpx.AsyncClient, db: AsyncSession) -> str:
    bundle = await db.scalar(text("SELECT bundle_id FROM token_bundles WHERE token_amount = 25000"))
    started = await client.post(
        "/billing/credits/buy", data={"bundle_id": str(bundle), "csrf_token": csrf_of(client)}
    )
    assert started.status_code == 303
    return started.headers["location"]


async def test_buying_a_bundle_through_the_simulator_credits_the_tokens(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db, Plan.NONE)
    await log_in_browser(client, user)
    credits = await client.get("/billing/credits")
    assert "Payment simulator" in credits.text and "25000 Credits" in credits.text
    checkout_url = await _start_bundle_checkout(client, db)
    assert checkout_url.startswith("/billing/local-checkout/cs_local_")
    page = await client.get(checkout_url)
    assert page.status_code == 200 and "$20.00" in page.text and "No card is charged" in page.text
    paid = await client.post(
        f"{checkout_url}/pay", data={"card": "4242", "csrf_token": csrf_of(client)}
    )
    assert paid.status_code == 303 and paid.headers["location"].endswith("checkout=paid")
    assert [r["outcome"] for r in await run_deferred(db)] == ["credited 25000 tokens"]
    assert await token_balance(db, user.user_id) == 25000
    again = await client.post(
        f"{checkout_url}/pay", data={"card": "4242", "csrf_token": csrf_of(client)}
    )
    assert again.status_code == 409  # a finished checkout cannot be paid twice


async def test_a_cancelled_checkout_charges_nothing(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db, Plan.NONE)
    await log_in_browser(client, user)
    checkout_url = await _start_bundle_checkout(client, db)
    back = await client.post(f"{checkout_url}/cancel", data={"csrf_token": csrf_of(client)})
    assert back.headers["location"].endswith("checkout=cancelled")
    assert await run_deferred(db) == [] and await token_balance(db, user.user_id) == 0
    assert "nothing was charged" in (await client.get("/billing/credits?checkout=cancelled")).text


async def test_another_subscriber_cannot_open_or_pay_my_checkout(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await make_subscriber(db, Plan.NONE)
    await log_in_browser(client, owner)
    checkout_url = await _start_bundle_checkout(client, db)
    await client.post("/logout", data={"csrf_token": csrf_of(client)})
    intruder = await make_subscriber(db, Plan.NONE)
    await log_in_browser(client, intruder)
    assert (await client.get(checkout_url)).status_code == 404
    paid = await client.post(
        f"{checkout_url}/pay", data={"card": "4242", "csrf_token": csrf_of(client)}
    )
    assert paid.status_code == 404
    assert await run_deferred(db) == []


async def test_subscribe_switch_and_cancel_with_confirmation(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db, Plan.NONE)
    await log_in_browser(client, user)
    contractor, investor = await plan_id(db, "contractor"), await plan_id(db, "investor")
    started = await client.post(
        "/billing/subscribe",
        data={"plan_id": str(contractor), "interval": "month", "csrf_token": csrf_of(client)},
    )
    checkout_url = started.headers["location"]
    await client.post(f"{checkout_url}/pay", data={"card": "4242", "csrf_token": csrf_of(client)})
    seen: set[int] = set()
    await run_deferred(db, seen)
    tier = "SELECT subscription_tier, subscription_status FROM users WHERE user_id = :u"
    assert tuple((await db.execute(text(tier), {"u": user.user_id})).one()) == (
        "contractor",
        "active",
    )
    assert await token_balance(db, user.user_id) == 10000
    page = await client.get("/billing")
    assert "Renews on" in page.text and "Switch to investor" in page.text
    assert "<li>Distressed-property leads</li>" in page.text  # features by name, not key

    await client.post(
        "/billing/plan", data={"plan_id": str(investor), "csrf_token": csrf_of(client)}
    )
    await run_deferred(db, seen)
    assert (await db.execute(text(tier), {"u": user.user_id})).one()[0] == "investor"

    asked = await client.post("/billing/cancel", data={"csrf_token": csrf_of(client)})
    assert asked.status_code == 200 and "Cancel your plan?" in asked.text
    assert await run_deferred(db, seen) == []  # nothing happens without the confirmation
    await client.post("/billing/cancel", data={"confirm": "yes", "csrf_token": csrf_of(client)})
    await run_deferred(db, seen)
    assert "Ends on" in (await client.get("/billing")).text
    await client.post("/billing/local-renew", data={"csrf_token": csrf_of(client)})  # period ends
    await run_deferred(db, seen)
    assert tuple((await db.execute(text(tier), {"u": user.user_id})).one()) == ("none", "cancelled")


async def test_billing_api_lists_plans_and_refuses_a_second_subscription(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    from tests.factories import bearer_for

    user = await make_subscriber(db, Plan.NONE)
    headers = await bearer_for(client, user)
    overview = (await client.get("/api/v1/billing", headers=headers)).json()
    assert overview["provider"] == "local" and overview["subscription"] is None
    assert [p["plan_name"] for p in overview["plans"]] == ["contractor", "investor", "full"]
    full = await plan_id(db, "full")
    body = {"kind": "subscription", "plan_id": str(full), "interval": "year"}
    created = await client.post("/api/v1/billing/checkout", json=body, headers=headers)
    assert (
        created.status_code == 201 and "/billing/local-checkout/" in created.json()["checkout_url"]
    )
    missing = await client.post(
        "/api/v1/billing/checkout", json={"kind": "bundle"}, headers=headers
    )
    assert missing.status_code == 422 and "bundle_id" in missing.text
    no_plan = await client.post(
        "/api/v1/billing/cancel", json={"cancel_at_period_end": True}, headers=headers
    )
    assert no_plan.status_code == 409  # no active plan to cancel


async def test_a_plan_set_without_billing_is_shown_as_unbilled(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db, Plan.CONTRACTOR)
    await log_in_browser(client, user)
    page = await client.get("/billing")
    assert "<strong>contractor</strong> — set up by PropIntel" in page.text
    assert "Subscribe to full" in page.text
