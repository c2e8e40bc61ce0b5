"""Deleting an account: refused without the right confirmation (nothing changes), then personal
data erased, the person can no longer log in, the ledger kept and reconciled clean, and nobody
else's data touched."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.account_data.service import erase_account, export_document
from propintel.auth.models import SessionKind, User, UserType
from propintel.auth.service import authenticate, user_for_secret
from propintel.config import get_settings
from propintel.kit.errors import (
    Conflict,
    DomainError,
    Invalid,
    LoginFailed,
    NotAuthenticated,
    RateLimited,
)
from propintel.maintenance.tokens import reconcile_tokens
from tests.account_data.helpers import populated_account
from tests.factories import DEFAULT_PASSWORD, make_user, token_balance

LEDGERS = ("token_purchases", "token_usage_logs", "token_transactions")


async def erase(db: AsyncSession, user: User, **confirmation: Any) -> Any:
    typed = {"typed_email": user.email, "password": DEFAULT_PASSWORD, **confirmation}
    return await erase_account(db, get_settings(), user, ip="203.0.113.9", **typed)


async def ledger_rows(db: AsyncSession, user_id: uuid.UUID) -> dict[str, set[str]]:
    rows = {}
    for name in LEDGERS:
        result = await db.execute(
            text(f"SELECT CAST(t AS text) FROM {name} t WHERE user_id = :u"), {"u": user_id}
        )
        rows[name] = set(result.scalars())
    return rows


async def count(db: AsyncSession, table: str, user_id: uuid.UUID) -> int:
    stmt = text(f"SELECT count(*) FROM {table} WHERE user_id = :u")
    return int((await db.execute(stmt, {"u": user_id})).scalar_one())


@pytest.mark.parametrize(
    ("confirmation", "field"),
    [
        ({"typed_email": "someone-else@example.com"}, "email"),
        ({"typed_email": ""}, "email"),
        ({"password": "not-the-password"}, "password"),
        ({"password": ""}, "password"),
    ],
)
async def test_refused_without_the_right_confirmation_and_nothing_changes(
    db: AsyncSession, confirmation: dict[str, str], field: str
) -> None:
    mine = await populated_account(db)
    before = await export_document(db, mine.user.user_id)

    with pytest.raises(Invalid) as refused:
        await erase(db, mine.user, **confirmation)

    assert refused.value.field == field
    after = await export_document(db, mine.user.user_id)
    attempts = after["data"]["account"].pop("login_attempts")
    before["data"]["account"].pop("login_attempts")
    assert after["data"] == before["data"]
    # a wrong password counts as a failed log-in of the account (the throttle sees guesses)
    failed = [a for a in attempts if a["ip_address"] == "203.0.113.9"]
    assert len(failed) == (1 if field == "password" else 0)
    assert await authenticate(db, get_settings(), mine.user.email, DEFAULT_PASSWORD, "1.2.3.4")


async def test_refused_while_the_plan_renews(db: AsyncSession) -> None:
    mine = await populated_account(db)
    await db.execute(
        text(
            "INSERT INTO billing_subscriptions (subscription_id, user_id, billing_interval, "
            "status, cancel_at_period_end, last_event_created) "
            "VALUES (:s, :u, 'month', 'active', false, now())"
        ),
        {"s": f"sub_{uuid.uuid4().hex}", "u": mine.user.user_id},
    )

    with pytest.raises(Conflict, match="Cancel it on the Billing page"):
        await erase(db, mine.user)
    assert mine.user.erased_at is None

    await db.execute(
        text("UPDATE billing_subscriptions SET cancel_at_period_end = true WHERE user_id = :u"),
        {"u": mine.user.user_id},
    )
    await erase(db, mine.user)  # a plan that ends with its period does not stop a deletion
    assert mine.user.erased_at is not None


async def test_erasure_erases_the_person_and_keeps_the_ledger_reconciled(
    db: AsyncSession,
) -> None:
    mine = await populated_account(db)
    theirs = await populated_account(db)
    user_id, email = mine.user.user_id, mine.user.email
    kept = await ledger_rows(db, user_id)
    their_export = await export_document(db, theirs.user.user_id)
    assert await token_balance(db, user_id) == 500 - 3 - 40 + 25

    erased = await erase(db, mine.user)

    assert erased.tokens_forfeited == 500 - 3 + 25  # the 40 held came back first
    user = mine.user
    assert user.email == f"erased-{user_id}@invalid.propintel"
    assert user.firebase_uid == f"erased:{user_id}"
    assert user.erased_at is not None and user.suspended_at is not None
    assert await token_balance(db, user_id) == 0
    attempts = "SELECT count(*) FROM login_attempts WHERE email = :e"
    assert (await db.execute(text(attempts), {"e": email})).scalar_one() == 0
    # cannot log in: not with the password, not with the old session or API key
    with pytest.raises((LoginFailed, NotAuthenticated)):
        await authenticate(db, get_settings(), email, DEFAULT_PASSWORD, "1.2.3.4")
    assert await user_for_secret(db, mine.session_secret, SessionKind.WEB) is None
    assert await user_for_secret(db, mine.api_key, SessionKind.API) is None
    for table in (
        "subscriber_profiles",
        "local_credentials",
        "auth_sessions",
        "account_links",
        "saved_leads",
        "lead_events",
        "lead_tasks",
        "saved_searches",
    ):
        assert await count(db, table, user_id) == 0, table
    # the ledger is kept: every row, plus the hold's release and the forfeit
    after = await ledger_rows(db, user_id)
    for name in LEDGERS:
        assert kept[name] <= after[name], name
    added = after["token_transactions"] - kept["token_transactions"]
    assert len(added) == 2 and any("forfeit" in row for row in added)
    assert after["token_purchases"] == kept["token_purchases"]
    report = await reconcile_tokens(db)
    assert report.discrepancy_count == 0, report.discrepancies
    # the audit entry names no personal data
    entry = (
        await db.execute(
            text(
                "SELECT CAST(changes AS text) FROM admin_audit_logs "
                "WHERE action = 'account.erase' AND target_id = :u"
            ),
            {"u": user_id},
        )
    ).scalar_one()
    assert email not in entry and "forfeited" in entry
    # nobody else's data changed
    assert (await export_document(db, theirs.user.user_id))["data"] == their_export["data"]
    assert await authenticate(db, get_settings(), theirs.user.email, DEFAULT_PASSWORD, "1.2.3.4")


async def test_the_old_address_is_free_and_a_second_erasure_is_refused(db: AsyncSession) -> None:
    mine = await populated_account(db)
    email = mine.user.email
    await erase(db, mine.user)

    again = await make_user(db, email=email)  # the address can sign up again, as a new account
    assert again.user_id != mine.user.user_id
    with pytest.raises(DomainError):
        await erase(db, mine.user, typed_email=email)


async def test_an_account_without_a_password_confirms_with_its_email(db: AsyncSession) -> None:
    user = await make_user(db)
    await db.execute(text("DELETE FROM local_credentials WHERE user_id = :u"), {"u": user.user_id})

    await erase(db, user, password=None)

    assert user.erased_at is not None


class RecordingStorage:
    def __init__(self) -> None:
        self.deleted: list[str] = []

    def delete(self, key: str) -> None:
        self.deleted.append(key)


async def test_the_profiles_logo_is_deleted_from_storage(db: AsyncSession) -> None:
    mine = await populated_account(db)
    await db.execute(
        text(
            "UPDATE subscriber_profiles SET business_logo_url = '/media/public/logos/abc.png', "
            "business_phone = '3055550100' WHERE user_id = :u"
        ),
        {"u": mine.user.user_id},
    )
    storage = RecordingStorage()

    erased = await erase_account(
        db,
        get_settings(),
        mine.user,
        typed_email=mine.user.email,
        password=DEFAULT_PASSWORD,
        ip="203.0.113.9",
        storage=storage,
    )

    assert storage.deleted == ["public/logos/abc.png"]
    assert erased.files_deleted == 1
    assert await count(db, "subscriber_profiles", mine.user.user_id) == 0


async def test_a_homeowners_jobs_go_and_their_reviews_lose_their_author(
    db: AsyncSession,
) -> None:
    homeowner = await make_user(db, UserType.HOMEOWNER)
    contractor = await make_user(db)
    ids = {"h": homeowner.user_id, "c": contractor.user_id}
    job = (
        await db.execute(
            text(
                "INSERT INTO homeowner_jobs (homeowner_id, job_title, job_description, address) "
                "VALUES (:h, 'Fix the roof', 'Leaks', '1 MY ST') RETURNING job_id"
            ),
            ids,
        )
    ).scalar_one()
    await db.execute(
        text("INSERT INTO job_bids (job_id, contractor_id, bid_amount) VALUES (:j, :c, 900)"),
        {**ids, "j": job},
    )
    review = (
        await db.execute(
            text(
                "INSERT INTO contractor_reviews (contractor_id, homeowner_id, job_id, rating) "
                "VALUES (:c, :h, :j, 5) RETURNING review_id"
            ),
            {**ids, "j": job},
        )
    ).scalar_one()
    exported = await export_document(db, homeowner.user_id)
    section = exported["data"]["assistant_and_marketplace"]
    assert [row["job_id"] for row in section["homeowner_jobs"]] == [str(job)]
    assert [row["review_id"] for row in section["reviews_written"]] == [str(review)]

    await erase(db, homeowner)

    jobs = "SELECT count(*) FROM homeowner_jobs WHERE homeowner_id = :h"
    assert (await db.execute(text(jobs), ids)).scalar_one() == 0
    kept = await db.execute(
        text(
            "SELECT contractor_id, homeowner_id, job_id FROM contractor_reviews "
            "WHERE review_id = :r"
        ),
        {"r": review},
    )
    assert kept.one() == (contractor.user_id, None, None)


async def test_guessing_the_password_meets_the_log_in_throttle(db: AsyncSession) -> None:
    mine = await populated_account(db)
    limit = get_settings().login_max_failures_per_account
    for _ in range(limit - 1):  # populated_account has one failed log-in already
        with pytest.raises(Invalid):
            await erase(db, mine.user, password="guess")

    with pytest.raises(RateLimited):
        await erase(db, mine.user)  # even the right password, until the window has passed
    assert mine.user.erased_at is None
