"""The Economics report's queries: a read model across domains, kept together in one module.

The report sums token and money flows over tables of several domains (tokens: purchases,
transactions, usage and the company pool; billing: invoices; catalog: bundles and the AI cost
configuration) in set-based statements grouped by New York period. Reports are allowed to read
across tables this way; this module only reads, and nothing outside the admin Economics report
uses it (``economics.py`` turns the rows into the report).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, text

from propintel.db.repository import Repository

_FLOWS = text(
    """
    SELECT CAST(date_trunc(:period, at) AS date) AS start, kind,
           COALESCE(SUM(tokens), 0) AS tokens, COALESCE(SUM(amount), 0) AS amount
    FROM (
      SELECT purchased_at AS at, 'sold' AS kind, tokens, amount_paid AS amount
        FROM token_purchases
      UNION ALL
      SELECT paid_at, 'plan', tokens_granted, amount_paid FROM billing_invoices
      UNION ALL
      SELECT created_at, transaction_type, tokens_amount, 0 FROM token_transactions
        WHERE transaction_type IN ('admin_grant', 'admin_deduct', 'refund')
      UNION ALL
      SELECT timestamp, 'consumed', tokens_used, 0 FROM token_usage_logs
    ) flows
    WHERE at >= :start AND at < :end
    GROUP BY 1, 2
    """
)

_ACTIONS = text(
    """
    SELECT l.action_type, COUNT(*) AS charges, SUM(l.tokens_used) AS tokens_used,
           SUM(CASE WHEN r.transaction_id IS NULL THEN l.tokens_used ELSE 0 END) AS tokens_billed,
           COALESCE(SUM(l.actual_cost), 0) AS provider_cost
    FROM token_usage_logs l
    LEFT JOIN token_transactions r
      ON r.usage_log_id = l.log_id AND r.transaction_type = 'refund'
    WHERE l.timestamp >= :start AND l.timestamp < :end
    GROUP BY l.action_type
    ORDER BY l.action_type
    """
)

_PURCHASE_PRICE = text(
    "SELECT COALESCE(SUM(amount_paid), 0), COALESCE(SUM(tokens), 0) FROM token_purchases "
    "WHERE purchased_at >= :start AND purchased_at < :end"
)
_LIST_PRICE = text(
    "SELECT COALESCE(SUM(price), 0), COALESCE(SUM(token_amount), 0) FROM token_bundles "
    "WHERE is_active"
)
_COST_CONFIG = text("SELECT service_name, cost_per_unit, markup_percentage FROM ai_cost_config")
_POOL = text(
    "SELECT total_tokens, tokens_purchased, tokens_consumed, cost_per_token, updated_at "
    "FROM company_token_pool ORDER BY updated_at LIMIT 1"
)


class EconomicsRepository(Repository):
    async def flows(self, period: str, bounds: dict[str, datetime]) -> Sequence[Any]:
        """(start, kind, tokens, amount) per ``period`` (day, week, month) and kind of flow in
        [``bounds["start"]``, ``bounds["end"]``)."""
        return (await self.session.execute(_FLOWS, {"period": period, **bounds})).all()

    async def actions(self, bounds: dict[str, datetime]) -> Sequence[Any]:
        """Charges, tokens used and billed (not refunded) and provider cost per action type."""
        return (await self.session.execute(_ACTIONS, bounds)).all()

    async def purchase_price(self, bounds: dict[str, datetime]) -> tuple[Any, Any]:
        """(Σ amount paid, Σ tokens) of the purchases in the range."""
        amount, tokens = (await self.session.execute(_PURCHASE_PRICE, bounds)).one()
        return amount, tokens

    async def list_price(self) -> tuple[Any, Any]:
        """(Σ price, Σ token amount) of the active bundles."""
        amount, tokens = (await self.session.execute(_LIST_PRICE)).one()
        return amount, tokens

    async def cost_config(self) -> Sequence[Any]:
        return (await self.session.execute(_COST_CONFIG)).all()

    async def pool(self) -> dict[str, Any] | None:
        row: RowMapping | None = (await self.session.execute(_POOL)).mappings().first()
        return dict(row) if row else None
