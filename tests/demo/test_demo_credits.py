"""A new demo subscriber starts with its plan's monthly credits, granted once through the ledger
(a plan-allowance transaction), so a newcomer can try the paid actions at once and the balances
reconcile; a second start grants nothing more. It also starts with the starter knowledge and
scripts of its trade."""

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


STARTERS = (
    "SELECT u.email, "
    "(SELECT count(*) FROM subscriber_knowledge_base k WHERE k.user_id = u.user_id), "
    "(SELECT count(*) FROM subscriber_scripts s WHERE s.user_id = u.user_id) "
    "FROM users u WHERE u.email LIKE '%@demo.propintel.test' ORDER BY u.email"
)


async def test_demo_subscribers_start_with_their_trade_s_starters_once(import_url: str) -> None:
    """So the assistant's chat has something of theirs to answer from on a fresh install."""
    counts = []
    for _ in range(2):  # a second start adds nothing
        await _ensure_accounts(get_settings(), import_url)
        with psycopg.connect(import_url) as conn:
            counts.append({email: (kb, scripts) for email, kb, scripts in conn.execute(STARTERS)})
    assert counts[0] == counts[1]
    for role in ("contractor", "investor", "full"):
        kb, scripts = counts[0][f"{role}@demo.propintel.test"]
        assert kb >= 2 and scripts >= 4
    assert counts[0]["homeowner@demo.propintel.test"] == (0, 0)
