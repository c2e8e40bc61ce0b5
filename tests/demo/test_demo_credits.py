"""A new demo subscriber starts with its plan's monthly credits, granted once through the ledger
(a plan-allowance transaction), so a newcomer can try the paid actions at once and the balances
reconcile; a second start grants nothing more."""

from __future__ import annotations

import psycopg

from propintel.config import get_settings
from propintel.demo.accounts import _ensure_accounts

BALANCES = (
    "SELECT u.email, u.subscription_tier, u.token_balance, "
    "(SELECT coalesce(sum(tokens_amount), 0) FROM token_transactions t "
    " WHERE t.user_id = u.user_id AND t.transaction_type = 'plan_allowance'), "
    "(SELECT base_tokens_monthly FROM subscription_plans WHERE plan_name = u.subscription_tier) "
    "FROM users u WHERE u.email LIKE '%@demo.propintel.test' ORDER BY u.email"
)


async def test_demo_subscribers_start_with_their_plans_credits_once(import_url: str) -> None:
    for _ in range(2):  # a second start changes nothing
        await _ensure_accounts(get_settings(), import_url)
        with psycopg.connect(import_url) as conn:
            rows = conn.execute(BALANCES).fetchall()
        subscribers = [row for row in rows if row[1] in ("contractor", "investor", "full")]
        assert len(subscribers) == 3
        for _email, _tier, balance, granted, monthly in subscribers:
            assert balance == granted == monthly > 0
        others = [row for row in rows if row[1] not in ("contractor", "investor", "full")]
        assert others and all(row[2] == 0 and row[3] == 0 for row in others)
