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

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth import service as auth_service
from propintel.maintenance.repository import LedgerRepository
from propintel.tokens.service import MIRRORED_TRANSACTION_TYPES

MAX_LISTED_DISCREPANCIES = 100


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
    repo = LedgerRepository.from_session(session)
    report = ReconciliationReport()
    report.pool_before = _pool_rows(await repo.lock_pool())
    report.pool_after = _pool_rows(await repo.reconcile_pool())
    report.users_checked = await auth_service.count_users(session)
    report.discrepancy_count, report.discrepancies = await balance_discrepancies(
        session, limit=max_listed
    )
    return report


async def balance_discrepancies(
    session: AsyncSession, *, limit: int = MAX_LISTED_DISCREPANCIES
) -> tuple[int, list[BalanceDiscrepancy]]:
    """How many users' balances differ from the ledgers, and the ``limit`` largest differences."""
    repo = LedgerRepository.from_session(session)
    rows = await repo.discrepancies(MIRRORED_TRANSACTION_TYPES, limit)
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


def _pool_rows(result: Sequence[Any]) -> list[PoolFigures]:
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
