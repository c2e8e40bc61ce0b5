"""Token reconciliation: the company pool recomputed from the ledgers, every user's balance checked.

The ledgers are ``token_purchases`` (credits bought), ``token_transactions`` (every other change of
a balance) and ``token_usage_logs`` (charges). From them:

* the pool: ``tokens_purchased = SUM(token_purchases.tokens)``, ``tokens_consumed =
  SUM(token_usage_logs.tokens_used)`` and ``total_tokens = tokens_purchased - tokens_consumed``,
  all three from the same sums. (The spec's single UPDATE assigns ``total_tokens =
  tokens_purchased - tokens_consumed``, which reads the row's *old* values: its total lags one
  reconciliation behind.) Only the pool is rewritten: it is a derived figure.
* each user's implied balance::

      SUM(token_purchases.tokens)
    + SUM(token_transactions.tokens_amount)   -- signed, see below
    - SUM(token_usage_logs.tokens_used)

  ``token_transactions.tokens_amount`` is signed: credits (plan allowances, admin grants, refunds
  of failed provider calls, bonuses) are positive, debits (admin deductions, expiries) negative.
  Every transaction type counts except those in ``MIRRORED_TRANSACTION_TYPES``: a transaction of
  type ``purchase`` or ``usage`` would only mirror a row that ``token_purchases`` or
  ``token_usage_logs`` already counts, and counting it again would double it. A NULL amount
  counts as 0; a NULL type counts.

A user whose ``token_balance`` differs from the implied balance (a NULL balance differs from
everything) is a discrepancy: it is reported with both numbers and never changed here. Balances
are money-like; correcting one is an admin's decision, made with an audited transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

MIRRORED_TRANSACTION_TYPES: tuple[str, ...] = ("purchase", "usage")
MAX_LISTED_DISCREPANCIES = 100

# Locks the pool rows first: a charge that updates the pool while we reconcile either committed
# before our sums are read (they include it) or waits for our commit and then adds itself on
# top of them. Without the lock, its increment could be overwritten by sums that miss it.
_LOCK_POOL = text(
    "SELECT pool_id, tokens_purchased, tokens_consumed, total_tokens "
    "FROM company_token_pool ORDER BY pool_id FOR UPDATE"
)

_RECONCILE_POOL = text(
    """
    WITH ledger AS (
      SELECT (SELECT COALESCE(SUM(tokens), 0) FROM token_purchases) AS purchased,
             (SELECT COALESCE(SUM(tokens_used), 0) FROM token_usage_logs) AS consumed
    )
    UPDATE company_token_pool
    SET tokens_purchased = ledger.purchased,
        tokens_consumed = ledger.consumed,
        total_tokens = ledger.purchased - ledger.consumed,
        updated_at = NOW()
    FROM ledger
    RETURNING pool_id, tokens_purchased, tokens_consumed, total_tokens
    """
)

_IMPLIED_BALANCES = """
    WITH purchases AS (
      SELECT user_id, SUM(tokens) AS tokens FROM token_purchases GROUP BY user_id
    ), transactions AS (
      SELECT user_id, SUM(COALESCE(tokens_amount, 0)) AS tokens FROM token_transactions
      WHERE transaction_type IS NULL OR transaction_type <> ALL(CAST(:mirrored AS text[]))
      GROUP BY user_id
    ), usage AS (
      SELECT user_id, SUM(tokens_used) AS tokens FROM token_usage_logs GROUP BY user_id
    )
    SELECT u.user_id, u.email, u.token_balance,
           COALESCE(p.tokens, 0) AS purchased,
           COALESCE(t.tokens, 0) AS transactions,
           COALESCE(us.tokens, 0) AS used,
           COALESCE(p.tokens, 0) + COALESCE(t.tokens, 0) - COALESCE(us.tokens, 0) AS implied
    FROM users u
    LEFT JOIN purchases p ON p.user_id = u.user_id
    LEFT JOIN transactions t ON t.user_id = u.user_id
    LEFT JOIN usage us ON us.user_id = u.user_id
"""

_DISCREPANCIES = text(
    f"""
    WITH balances AS ({_IMPLIED_BALANCES})
    SELECT *, COUNT(*) OVER () AS total FROM balances
    WHERE token_balance IS DISTINCT FROM implied
    ORDER BY ABS(COALESCE(token_balance, 0) - implied) DESC, email, user_id
    LIMIT :limit
    """
)


@dataclass(frozen=True)
class PoolFigures:
    pool_id: str
    tokens_purchased: int | None
    tokens_consumed: int | None
    total_tokens: int | None


@dataclass(frozen=True)
class BalanceDiscrepancy:
    """A user whose stored balance is not what the ledgers imply (``difference`` = stored -
    implied: positive means the user holds more tokens than the ledgers account for)."""

    user_id: str
    email: str
    token_balance: int | None
    implied_balance: int
    purchased: int
    transactions: int
    used: int

    @property
    def difference(self) -> int:
        return (self.token_balance or 0) - self.implied_balance


@dataclass
class ReconciliationReport:
    pool_before: list[PoolFigures] = field(default_factory=list)
    pool_after: list[PoolFigures] = field(default_factory=list)
    users_checked: int = 0
    discrepancy_count: int = 0
    discrepancies: list[BalanceDiscrepancy] = field(default_factory=list)

    @property
    def pool_changed(self) -> bool:
        return self.pool_before != self.pool_after

    @property
    def warnings(self) -> list[str]:
        if self.pool_after:
            return []
        return ["company_token_pool has no row (the spec seeds one): no pool was reconciled"]

    def to_detail(self) -> dict[str, Any]:
        """The JSON recorded in ``job_runs.detail`` and printed by ``--json``."""
        return {
            "pool": [asdict(row) for row in self.pool_after],
            "pool_before": [asdict(row) for row in self.pool_before],
            "pool_changed": self.pool_changed,
            "users_checked": self.users_checked,
            "discrepancy_count": self.discrepancy_count,
            "discrepancies": [
                {**asdict(item), "difference": item.difference} for item in self.discrepancies
            ],
            "discrepancies_truncated": self.discrepancy_count > len(self.discrepancies),
            "not_counted_transaction_types": list(MIRRORED_TRANSACTION_TYPES),
            "warnings": self.warnings,
        }


async def reconcile_tokens(
    session: AsyncSession, *, max_listed: int = MAX_LISTED_DISCREPANCIES
) -> ReconciliationReport:
    """Rewrite the pool from the ledgers and report balance discrepancies (flushes, no commit)."""
    report = ReconciliationReport()
    report.pool_before = _pool_rows(await session.execute(_LOCK_POOL))
    report.pool_after = _pool_rows(await session.execute(_RECONCILE_POOL))
    report.users_checked = int(await session.scalar(text("SELECT COUNT(*) FROM users")) or 0)
    report.discrepancy_count, report.discrepancies = await balance_discrepancies(
        session, limit=max_listed
    )
    return report


async def balance_discrepancies(
    session: AsyncSession, *, limit: int = MAX_LISTED_DISCREPANCIES
) -> tuple[int, list[BalanceDiscrepancy]]:
    """How many users' balances differ from the ledgers, and the ``limit`` largest differences."""
    params = {"mirrored": list(MIRRORED_TRANSACTION_TYPES), "limit": limit}
    rows = (await session.execute(_DISCREPANCIES, params)).mappings().all()
    total = int(rows[0]["total"]) if rows else 0
    return total, [_discrepancy(row) for row in rows]


def _discrepancy(row: Any) -> BalanceDiscrepancy:
    return BalanceDiscrepancy(
        user_id=str(row["user_id"]),
        email=row["email"],
        token_balance=row["token_balance"],
        implied_balance=int(row["implied"]),
        purchased=int(row["purchased"]),
        transactions=int(row["transactions"]),
        used=int(row["used"]),
    )


def _pool_rows(result: Any) -> list[PoolFigures]:
    rows = [
        PoolFigures(
            pool_id=str(row.pool_id),
            tokens_purchased=row.tokens_purchased,
            tokens_consumed=row.tokens_consumed,
            total_tokens=row.total_tokens,
        )
        for row in result
    ]
    return sorted(rows, key=lambda row: row.pool_id)
