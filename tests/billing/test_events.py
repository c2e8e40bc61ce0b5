"""Handling Stripe events: bundles credited once per payment, allowances once per invoice,
subscription state only moving forward in event time — whatever the order or the replays."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, User
from propintel.billing import local
from tests.billing.helpers import deliver, envelope, now, plan_id, run_deferred, subscription
from tests.factories import make_subscriber, token_balance


async def _user_plan(db: AsyncSession, user: User) -> tuple[str, str, str | None]:
    row = (
        await db.execute(
            text(
                "SELECT subscription_tier, subscription_status, stripe_customer_id FROM users "
                "WHERE user_id = :u"
            ),
            {"u": user.user_id},
        )
    ).one()
    return row[0], row[1], row[2]


def _bundle_checkout(user: User, payment_intent: str = "pi_1") -> dict[str, Any]:
    return {
        "id": "cs_1",
        "object": "checkout.session",
        "mode": "payment",
        "payment_status": "paid",
        "client_reference_id": str(user.user_id),
        "customer": "cus_1",
        "metadata": {"kind": "bundle", "tokens": "25000", "user_id": str(user.user_id)},
        "amount_total": 2000,
        "payment_intent": payment_intent,
        "subscription": None,
    }


def _subscription_checkout(user: User, plan: uuid.UUID, sub_id: str = "sub_1") -> dict[str, Any]:
    metadata = {"user_id": str(user.user_id), "plan_id": str(plan), "interval": "month"}
    return {
        **_bundle_checkout(user),
        "mode": "subscription",
        "metadata": {**metadata, "kind": "subscription"},
        "payment_intent": None,
        "subscription": sub_id,
        "amount_total": 9800,
    }


def _invoice(sub: dict[str, Any], invoice_id: str = "in_1", cents: int = 9800) -> dict[str, Any]:
    invoice = local.invoice_object(sub, cents)
    invoice["id"] = invoice_id
    return invoice


async def test_a_paid_bundle_is_credited_once_even_when_replayed_under_new_event_ids(
    db: AsyncSession,
) -> None:
    user = await make_subscriber(db, Plan.NONE)
    completed = _bundle_checkout(user)
    await deliver(db, envelope("checkout.session.completed", completed))
    await deliver(db, envelope("checkout.session.completed", completed))  # Stripe retried it
    outcomes = [result["outcome"] for result in await run_deferred(db)]
    assert outcomes == ["credited 25000 tokens", "already credited"]
    assert await token_balance(db, user.user_id) == 25000
    purchase = (
        await db.execute(
            text("SELECT tokens, amount_paid FROM token_purchases WHERE user_id = :u"),
            {"u": user.user_id},
        )
    ).all()
    assert [(row.tokens, str(row.amount_paid)) for row in purchase] == [(25000, "20.00")]
    assert (await _user_plan(db, user))[2] == "cus_1"


async def test_an_unpaid_checkout_credits_nothing(db: AsyncSession) -> None:
    user = await make_subscriber(db, Plan.NONE)
    await deliver(
        db,
        envelope(
            "checkout.session.completed", {**_bundle_checkout(user), "payment_status": "unpaid"}
        ),
    )
    assert [r["outcome"] for r in await run_deferred(db)] == ["ignored: not paid"]
    assert await token_balance(db, user.user_id) == 0


async def test_a_subscription_in_stripes_order_sets_the_plan_and_grants_the_allowance_once(
    db: AsyncSession,
) -> None:
    user = await make_subscriber(db, Plan.NONE)
    full = await plan_id(db, "full")
    sub = subscription(user.user_id, full)
    t = now()
    await deliver(
        db,
        envelope("customer.subscription.created", sub, t),
        envelope("invoice.paid", _invoice(sub), t),
        envelope("checkout.session.completed", _subscription_checkout(user, full), t + 1),
        envelope("invoice.paid", _invoice(sub), t + 2),  # a replay under a new event id
    )
    await run_deferred(db)
    assert await _user_plan(db, user) == ("full", "active", "cus_1")
    assert await token_balance(db, user.user_id) == 15000  # full's base_tokens_monthly, once
    invoices = await db.scalar(
        text("SELECT count(*) FROM billing_invoices WHERE user_id = :u"), {"u": user.user_id}
    )
    assert invoices == 1
    kinds = (
        await db.execute(
            text(
                "SELECT transaction_type, tokens_amount FROM token_transactions WHERE user_id = :u"
            ),
            {"u": user.user_id},
        )
    ).all()
    assert [(k.transaction_type, k.tokens_amount) for k in kinds] == [("plan_allowance", 15000)]


async def test_events_delivered_in_reverse_order_reach_the_same_state(db: AsyncSession) -> None:
    user = await make_subscriber(db, Plan.NONE)
    investor = await plan_id(db, "investor")
    sub = subscription(user.user_id, investor)
    t = now()
    await deliver(
        db,
        envelope("checkout.session.completed", _subscription_checkout(user, investor), t + 1),
        envelope("invoice.paid", _invoice(sub, cents=4900), t),
        envelope("customer.subscription.created", sub, t),
    )
    await run_deferred(db)
    assert await _user_plan(db, user) == ("investor", "active", "cus_1")
    assert await token_balance(db, user.user_id) == 10000
    period_end = await db.scalar(
        text("SELECT current_period_end FROM billing_subscriptions WHERE subscription_id = 'sub_1'")
    )
    assert period_end is not None  # the subscription event's state replaced the checkout's


async def test_an_older_update_arriving_late_never_rolls_back_a_newer_one(db: AsyncSession) -> None:
    user = await make_subscriber(db, Plan.NONE)
    full = await plan_id(db, "full")
    t = now()
    await deliver(
        db,
        envelope(
            "customer.subscription.updated", subscription(user.user_id, full, cancel=True), t + 10
        ),
        envelope("customer.subscription.updated", subscription(user.user_id, full), t + 5),
    )
    outcomes = [r["outcome"] for r in await run_deferred(db)]
    assert outcomes[1] == "ignored: a newer state is stored"
    cancel = await db.scalar(
        text(
            "SELECT cancel_at_period_end FROM billing_subscriptions WHERE subscription_id = 'sub_1'"
        )
    )
    assert cancel is True


async def test_a_deleted_subscription_stays_cancelled_whatever_arrives_after(
    db: AsyncSession,
) -> None:
    user = await make_subscriber(db, Plan.NONE)
    full = await plan_id(db, "full")
    t = now()
    await deliver(
        db, envelope("customer.subscription.created", subscription(user.user_id, full), t)
    )
    await run_deferred(db)
    assert (await _user_plan(db, user))[:2] == ("full", "active")
    seen: set[int] = set()
    await deliver(
        db,
        envelope(
            "customer.subscription.deleted",
            subscription(user.user_id, full, status="canceled"),
            t + 20,
        ),
        envelope("customer.subscription.updated", subscription(user.user_id, full), t + 20),
    )
    await run_deferred(db, seen)
    assert (await _user_plan(db, user))[:2] == ("none", "cancelled")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("trialing", ("full", "trialing")),
        ("past_due", ("full", "active")),
        ("unpaid", ("none", "expired")),
        ("incomplete_expired", ("none", "expired")),
    ],
)
async def test_stripe_statuses_map_to_the_users_plan(
    db: AsyncSession, status: str, expected: tuple[str, str]
) -> None:
    user = await make_subscriber(db, Plan.NONE)
    full = await plan_id(db, "full")
    await deliver(
        db,
        envelope("customer.subscription.updated", subscription(user.user_id, full, status=status)),
    )
    await run_deferred(db)
    assert (await _user_plan(db, user))[:2] == expected


async def test_a_yearly_invoice_grants_twelve_months_of_allowance(db: AsyncSession) -> None:
    user = await make_subscriber(db, Plan.NONE)
    contractor = await plan_id(db, "contractor")
    sub = subscription(user.user_id, contractor, interval="year")
    await deliver(db, envelope("invoice.paid", _invoice(sub, cents=49000)))
    await run_deferred(db)
    assert await token_balance(db, user.user_id) == 120000


async def test_every_event_type_handled_twice_changes_nothing_the_second_time(
    db: AsyncSession,
) -> None:
    """The job itself may run twice (a worker dies after handling, before acknowledging)."""
    from propintel.billing.events import handle_event

    user = await make_subscriber(db, Plan.NONE)
    full = await plan_id(db, "full")
    sub = subscription(user.user_id, full)
    await deliver(
        db,
        envelope("checkout.session.completed", _bundle_checkout(user)),
        envelope("customer.subscription.created", sub),
        envelope("invoice.paid", _invoice(sub)),
        envelope("customer.subscription.deleted", {**sub, "status": "canceled"}),
    )
    await run_deferred(db)
    state = (await token_balance(db, user.user_id), await _user_plan(db, user))
    rows = (await db.execute(text("SELECT event_pk FROM webhook_events"))).all()
    assert [await handle_event(db, row.event_pk) for row in rows] == ["already processed"] * 4
    assert (await token_balance(db, user.user_id), await _user_plan(db, user)) == state


async def test_an_invoice_of_an_unknown_user_waits_for_a_retry(db: AsyncSession) -> None:
    sub = {"id": "sub_x", "customer": "cus_nobody", "metadata": {}}
    await deliver(db, envelope("invoice.paid", _invoice(sub)))
    with pytest.raises(LookupError):
        await run_deferred(db)
    unprocessed = await db.scalar(
        text("SELECT count(*) FROM webhook_events WHERE processed_at IS NULL")
    )
    assert unprocessed == 1


async def test_unhandled_event_types_are_recorded_as_ignored(db: AsyncSession) -> None:
    await deliver(db, envelope("charge.refunded", {"id": "ch_1"}))
    assert [r["outcome"] for r in await run_deferred(db)] == [
        "ignored: charge.refunded is not handled"
    ]
