"""Token reconciliation: the pool equals the ledger sums (total from the same sums, unlike the
spec's statement), and balances that differ from the ledgers are reported, never changed."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.maintenance.tokens import reconcile_tokens
from tests.factories import token_balance, token_pool
from tests.maintenance.helpers import add_user, purchase, transaction, usage

SPEC_PATH = Path(__file__).resolve().parents[2] / "docs" / "spec" / "schema-spec.md"


def spec_reconciliation_sql() -> str:
    """The spec's own "Token Pool Reconciliation" statement, read from the spec."""
    if not SPEC_PATH.exists():
        pytest.fail(f"the schema spec is missing: expected it at {SPEC_PATH}")
    section = SPEC_PATH.read_text().split("### Token Pool Reconciliation", 1)[1]
    match = re.search(r"```sql\n(.*?)```", section, re.DOTALL)
    assert match, "no SQL block under 'Token Pool Reconciliation'"
    return match.group(1)


async def ledgers(db: AsyncSession) -> dict[str, uuid.UUID]:
    """Three consistent users; the pool (the spec's seeded row) still at zero.

    alice: bought 1000; grant +100, refund +10, deduction -30 (signed transactions); used 200;
    also a 'purchase' and a 'usage' transaction mirroring her ledger rows (not counted): 880.
    bob: bought 500, used 100: 400. carol: nothing: 0. One usage row has no user (pool only).
    """
    alice, bob, carol = [await add_user(db, balance=b) for b in (880, 400, 0)]
    await purchase(db, alice, 1000)
    await purchase(db, bob, 500)
    for kind, amount in (("grant", 100), ("refund", 10), ("deduction", -30)):
        await transaction(db, alice, kind, amount)
    await transaction(db, alice, "purchase", 1000)
    await transaction(db, alice, "usage", -150)
    await usage(db, alice, 150)
    await usage(db, alice, 50)
    await usage(db, bob, 100)
    await usage(db, None, 5)
    return {"alice": alice, "bob": bob, "carol": carol}


async def test_pool_becomes_the_ledger_sums_with_total_from_the_same_sums(
    db: AsyncSession,
) -> None:
    users = await ledgers(db)

    report = await reconcile_tokens(db)

    assert await token_pool(db) == (1500, 305, 1195)
    assert [(p.tokens_purchased, p.tokens_consumed, p.total_tokens) for p in report.pool_after] == [
        (1500, 305, 1195)
    ]
    assert [
        (p.tokens_purchased, p.tokens_consumed, p.total_tokens) for p in report.pool_before
    ] == [(0, 0, 0)]
    assert report.pool_changed
    assert report.users_checked == 3
    assert report.discrepancy_count == 0 and report.discrepancies == []
    assert [await token_balance(db, user) for user in users.values()] == [880, 400, 0]


async def test_second_reconciliation_changes_nothing(db: AsyncSession) -> None:
    await ledgers(db)
    await reconcile_tokens(db)

    again = await reconcile_tokens(db)

    assert not again.pool_changed
    assert await token_pool(db) == (1500, 305, 1195)


async def test_spec_statement_leaves_total_one_reconciliation_behind(db: AsyncSession) -> None:
    """Run the spec's UPDATE as written: its total reads the row's pre-update values."""
    await ledgers(db)
    spec_sql = spec_reconciliation_sql()
    assert "total_tokens = tokens_purchased - tokens_consumed" in spec_sql

    savepoint = await db.begin_nested()
    await db.execute(text(spec_sql))
    after_first = await token_pool(db)
    await db.execute(text(spec_sql))
    after_second = await token_pool(db)
    await purchase(db, None, 40)
    await db.execute(text(spec_sql))
    after_new_purchase = await token_pool(db)
    await savepoint.rollback()

    assert after_first == (1500, 305, 0)  # total from the old zeros
    assert after_second == (1500, 305, 1195)  # right only once nothing changed in between
    assert after_new_purchase == (1540, 305, 1195)  # lags again: should be 1235
    await reconcile_tokens(db)
    assert await token_pool(db) == (1500, 305, 1195)  # ours: right the first time


async def test_tampered_balances_are_reported_with_both_numbers_and_left_alone(
    db: AsyncSession,
) -> None:
    users = await ledgers(db)
    await db.execute(
        text("UPDATE users SET token_balance = 980 WHERE user_id = :u"), {"u": users["alice"]}
    )
    dave = await add_user(db, balance=50)  # credited without any ledger row

    report = await reconcile_tokens(db)

    assert report.discrepancy_count == 2
    alice, second = report.discrepancies  # largest difference first
    assert (alice.user_id, alice.token_balance, alice.implied_balance, alice.difference) == (
        str(users["alice"]),
        980,
        880,
        100,
    )
    assert (alice.purchased, alice.transactions, alice.used) == (1000, 80, 200)
    assert (second.user_id, second.token_balance, second.implied_balance) == (str(dave), 50, 0)
    assert await token_balance(db, users["alice"]) == 980
    assert await token_balance(db, dave) == 50
    detail = json.loads(json.dumps(report.to_detail()))  # what job_runs.detail keeps
    assert detail["discrepancy_count"] == 2
    assert [item["difference"] for item in detail["discrepancies"]] == [100, 50]
    assert detail["not_counted_transaction_types"] == ["purchase", "usage"]


async def test_listing_is_capped_but_the_count_is_not(db: AsyncSession) -> None:
    for tokens in (10, 20, 30):
        await add_user(db, balance=tokens)

    report = await reconcile_tokens(db, max_listed=2)

    assert report.discrepancy_count == 3
    assert [item.token_balance for item in report.discrepancies] == [30, 20]
    assert report.to_detail()["discrepancies_truncated"] is True


async def test_null_amounts_count_as_zero_null_types_count_and_null_balances_differ(
    db: AsyncSession,
) -> None:
    untyped = await add_user(db, balance=20)
    await transaction(db, untyped, None, 20)
    await transaction(db, untyped, "grant", None)
    unknown = await add_user(db, balance=None)

    report = await reconcile_tokens(db)

    assert [
        (item.user_id, item.token_balance, item.implied_balance) for item in report.discrepancies
    ] == [(str(unknown), None, 0)]


async def test_missing_pool_row_is_a_warning_not_a_failure(db: AsyncSession) -> None:
    await db.execute(text("DELETE FROM company_token_pool"))

    report = await reconcile_tokens(db)

    assert report.pool_after == [] and report.warnings
    assert report.to_detail()["warnings"] == report.warnings
