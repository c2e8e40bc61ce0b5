"""A small run of bench/unlock.py: it must work end to end, and every matched property must be
charged exactly once (one usage row each, none for a no-match), each property unlocked once.
No timing thresholds (the figures: docs/outreach/unlock.md)."""

from __future__ import annotations

import os

import psycopg
from bench.common import scratch_database

from bench import unlock


def test_unlock_benchmark_charges_each_match_exactly_once() -> None:
    report = unlock.run(120, batch=50)
    parameters = report.parameters
    assert 60 <= parameters["matched"] < 120  # the simulator's mix: about one in five no match
    assert parameters["usage_rows"] == parameters["matched"]
    assert parameters["charged_exactly_once"] is True
    assert parameters["unlocks"] == 120
    assert parameters["balance_ok"] is True
    rows = {row["measure"].split(":")[0]: row for row in report.rows}
    assert set(rows) == {"floor (a)", "floor (b)", "service"}
    assert rows["service"]["seconds"] > 0 and rows["service"]["ratio"] is not None


def test_the_check_counts_a_double_charge() -> None:
    """The exactly-once check can fail: a second usage row for one property is counted."""
    with scratch_database(f"propintel_bench_unlock_check_{os.getpid()}") as url:
        ids = unlock.seed_properties(url, 2, "C")
        with psycopg.connect(url) as conn:
            user = conn.execute(
                "INSERT INTO users (email, firebase_uid, user_type, token_balance) "
                "VALUES ('c@example.com', 'local:c', 'subscriber', 0) RETURNING user_id"
            ).fetchone()
            assert user is not None
            for property_id in ids:
                conn.execute(
                    "INSERT INTO property_contacts (property_id, matched, provider, enriched_at) "
                    "VALUES (%s, true, 'local', now())",
                    (property_id,),
                )
            for _ in range(2):
                conn.execute(
                    "INSERT INTO token_usage_logs (user_id, action_type, tokens_used, reference) "
                    "VALUES (%s, 'contact_enrichment', 50, %s)",
                    (user[0], f"unlock:{ids[0]}"),
                )
        checked = unlock.check(url, user[0], ids, 100)
    assert checked.charged_twice == 1 and checked.usage_rows == 2 and checked.matched == 2
