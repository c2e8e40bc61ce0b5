"""Contact unlock benchmark: batch unlocks through the offline simulator against the same rows
written in plain SQL, in one run.

    python bench/unlock.py --properties 1000 --batch 500

A scratch database migrated to head holds ``--properties`` distressed properties (twice: one set
for the service, one for the floor) and two full-plan subscribers with credits for every match.
  service : ``outreach.unlock.unlock`` in batches of ``--batch`` (at most 500), each batch one
            unit of work as a request would be: plan and scope checks, the simulator's lookups
            (100 per call), results stored, one ledger charge per match, the unlocks recorded.
  floor   : the same rows in plain SQL through psycopg, one transaction per batch: the results
            (``property_contacts`` and the properties' contact columns), one ``token_usage_logs``
            row per match with its balance and pool updates, and the ``contact_unlocks`` rows;
            (a) set-based, one statement per table and batch; (b) per property, the statements
            a charge loop would run (executemany, pipelined).
Checks: every matched property charged exactly once (one usage row per ``unlock:<id>``), no
charge for a no-match, one unlock per property, the balance down by the price times the matches.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Report, scratch_database  # noqa: E402
from propintel.auth.models import Plan, UserType  # noqa: E402
from propintel.auth.service import NewAccount, register, user_by_email  # noqa: E402
from propintel.config import get_settings  # noqa: E402
from propintel.db.engine import create_engine_for, unit_of_work  # noqa: E402
from propintel.integrations.local.skiptrace import LocalSkipTracer, simulate  # noqa: E402
from propintel.integrations.skiptrace import SkipTraceRequest  # noqa: E402
from propintel.kit.phones import normalize_phone  # noqa: E402
from propintel.outreach import unlock  # noqa: E402
from propintel.outreach.targets import owner_name_parts  # noqa: E402
from propintel.tokens.service import credit_purchase  # noqa: E402

NOW = datetime(2026, 3, 10, 12, 0)  # New York time
PRICE = 50  # contact_enrichment in the seeded price list
LIST_COST = Decimal("0.010000")


@dataclass(frozen=True)
class Checked:
    matched: int
    usage_rows: int
    charged_twice: int  # properties with more than one usage row
    charged_without_match: int
    unlocks: int
    balance_ok: bool


def seed_properties(url: str, count: int, tag: str) -> list[uuid.UUID]:
    """``count`` distressed properties owned by people, each with its own address."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "INSERT INTO properties (folio_number, street_address, address_key, full_address, "
            "city, zip_code, owner_name, distressed_score, property_type) "
            "SELECT %(tag)s || lpad(n::text, 9, '0'), n || ' NW ' || (n %% 90 + 1) || ' ST', "
            "n || ' NW ' || (n %% 90 + 1) || ' ST ' || %(tag)s, "
            "n || ' NW ' || (n %% 90 + 1) || ' ST, MIAMI, FL 33127', 'MIAMI', '33127', "
            "'OWNER' || %(tag)s || n || ' MARIA', 30, 'single_family' "
            "FROM generate_series(1, %(count)s) AS n RETURNING property_id",
            {"tag": tag, "count": count},
        ).fetchall()
    return [row[0] for row in rows]


async def _subscriber(url: str, email: str, tokens: int) -> uuid.UUID:
    engine = create_engine_for(url, pool_size=1)
    try:
        async with unit_of_work(engine) as session:
            account = NewAccount(
                email, "bench-unlock-password", UserType.SUBSCRIBER, Plan.FULL, email_verified=True
            )
            user = await register(session, get_settings(), account)
            await session.flush()
            await credit_purchase(session, user.user_id, tokens, Decimal("0"), None, now=NOW)
            return user.user_id
    finally:
        await engine.dispose()


async def run_service(url: str, email: str, ids: list[uuid.UUID], batch: int) -> float:
    """The unlocks through the service, one unit of work per batch; seconds."""
    engine = create_engine_for(url, pool_size=1)
    settings = get_settings()
    tracer = LocalSkipTracer()
    try:
        started = time.perf_counter()
        for start in range(0, len(ids), batch):
            async with unit_of_work(engine) as session:
                user = await user_by_email(session, email)
                assert user is not None
                report = await unlock.unlock(
                    session,
                    user,
                    ids[start : start + batch],
                    tracer=tracer,
                    now=NOW,
                    settings=settings,
                )
                assert report.refusal is None and not report.count(unlock.UnlockStatus.FAILED)
        return time.perf_counter() - started
    finally:
        await engine.dispose()


def _result_rows(url: str, ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """What the simulator answers for each property, as the floor stores it."""
    with psycopg.connect(url) as conn:
        facts = conn.execute(
            "SELECT property_id, street_address, city, zip_code, owner_name FROM properties "
            "WHERE property_id = ANY(%s)",
            (ids,),
        ).fetchall()
    rows = []
    for property_id, street, city, zip_code, owner in facts:
        name = owner_name_parts(owner)
        first, last = (name.first, name.last) if name else (None, None)
        request = SkipTraceRequest(str(property_id), street, city, "FL", zip_code, first, last)
        result = simulate(request)
        phones = [
            {"number": normalize_phone(p.number), "type": p.type, "carrier": p.carrier,
             "dnc": p.dnc, "litigator": p.litigator, "score": p.score, "unverified": []}
            for p in result.phones
        ]  # fmt: skip
        best = next((p["number"] for p in phones if p["type"] == "mobile" and not p["dnc"]), None)
        rows.append(
            {
                "property_id": property_id,
                "matched": result.matched,
                "phones": json.dumps(phones),
                "emails": json.dumps(result.emails),
                "best_phone": best,
                "best_email": result.emails[0] if result.emails else None,
            }
        )
    return rows


_STORE_SET = """
INSERT INTO property_contacts (property_id, matched, phones, emails, provider, enriched_at)
SELECT r.property_id, r.matched, r.phones, r.emails, 'local', %(now)s
FROM jsonb_to_recordset(%(rows)s) AS r(property_id uuid, matched boolean, phones jsonb,
                                      emails jsonb)
ON CONFLICT (property_id) DO UPDATE SET matched = excluded.matched, phones = excluded.phones,
  emails = excluded.emails, provider = excluded.provider, enriched_at = excluded.enriched_at
"""
_PROPERTIES_SET = """
UPDATE properties p SET phone_number = r.best_phone, email = r.best_email, enriched_at = %(now)s
FROM jsonb_to_recordset(%(rows)s) AS r(property_id uuid, best_phone text, best_email text)
WHERE p.property_id = r.property_id
"""
# One usage row per match, and every property's unlock pointing at its usage row (if any).
_CHARGES_SET = """
WITH logged AS (
  INSERT INTO token_usage_logs (user_id, action_type, tokens_used, actual_cost, reference,
                                timestamp)
  SELECT %(user)s, 'contact_enrichment', %(price)s, %(cost)s, 'unlock:' || id, %(now)s
  FROM unnest(%(matched)s::uuid[]) AS id
  RETURNING log_id, reference
)
INSERT INTO contact_unlocks (user_id, property_id, unlocked_at, usage_log_id)
SELECT %(user)s, id, %(now)s, logged.log_id FROM unnest(%(ids)s::uuid[]) AS id
LEFT JOIN logged ON logged.reference = 'unlock:' || id
ON CONFLICT (user_id, property_id) DO UPDATE
SET unlocked_at = excluded.unlocked_at, usage_log_id = excluded.usage_log_id
"""


def floor_set_based(url: str, user_id: uuid.UUID, rows: list[dict[str, Any]], batch: int) -> float:
    """(a) The same rows, one statement per table and batch."""
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            payload = json.dumps(
                [{**r, "property_id": str(r["property_id"]),
                  "phones": json.loads(r["phones"]), "emails": json.loads(r["emails"])}
                 for r in chunk]
            )  # fmt: skip
            matched = [r["property_id"] for r in chunk if r["matched"]]
            with conn.transaction():
                conn.execute(_STORE_SET, {"rows": payload, "now": NOW})
                conn.execute(_PROPERTIES_SET, {"rows": payload, "now": NOW})
                conn.execute(
                    _CHARGES_SET,
                    {"user": user_id, "price": PRICE, "cost": LIST_COST, "matched": matched,
                     "ids": [r["property_id"] for r in chunk], "now": NOW},
                )  # fmt: skip
                conn.execute(
                    "UPDATE users SET token_balance = token_balance - %s WHERE user_id = %s",
                    (PRICE * len(matched), user_id),
                )
                conn.execute(
                    "UPDATE company_token_pool SET tokens_consumed = tokens_consumed + %(n)s, "
                    "total_tokens = total_tokens - %(n)s, updated_at = %(now)s",
                    {"n": PRICE * len(matched), "now": NOW},
                )
    return time.perf_counter() - started


def floor_per_property(
    url: str, user_id: uuid.UUID, rows: list[dict[str, Any]], batch: int
) -> float:
    """(b) The same rows, the statements of a per-property charge loop (pipelined)."""
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            with conn.transaction(), conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO property_contacts (property_id, matched, phones, emails, "
                    "provider, enriched_at) VALUES (%(property_id)s, %(matched)s, %(phones)s, "
                    "%(emails)s, 'local', %(now)s) ON CONFLICT (property_id) DO NOTHING",
                    [{**r, "now": NOW} for r in chunk],
                )
                cur.executemany(
                    "UPDATE properties SET phone_number = %(best_phone)s, email = %(best_email)s,"
                    " enriched_at = %(now)s WHERE property_id = %(property_id)s",
                    [{**r, "now": NOW} for r in chunk],
                )
                for r in chunk:
                    log_id = None
                    if r["matched"]:
                        cur.execute(
                            "WITH charged AS (UPDATE users SET token_balance = token_balance - "
                            "%(price)s WHERE user_id = %(user)s AND token_balance >= %(price)s "
                            "RETURNING token_balance), logged AS (INSERT INTO token_usage_logs "
                            "(user_id, action_type, tokens_used, actual_cost, reference, "
                            "timestamp) SELECT %(user)s, 'contact_enrichment', %(price)s, "
                            "%(cost)s, %(ref)s, %(now)s FROM charged RETURNING log_id), "
                            "pool AS (UPDATE company_token_pool SET tokens_consumed = "
                            "tokens_consumed + %(price)s, total_tokens = total_tokens - "
                            "%(price)s WHERE EXISTS (SELECT 1 FROM charged) RETURNING 1) "
                            "SELECT log_id FROM logged",
                            {"price": PRICE, "user": user_id, "cost": LIST_COST, "now": NOW,
                             "ref": f"unlock:{r['property_id']}"},
                        )  # fmt: skip
                        (log_id,) = cur.fetchone() or (None,)
                    cur.execute(
                        "INSERT INTO contact_unlocks (user_id, property_id, unlocked_at, "
                        "usage_log_id) VALUES (%s, %s, %s, %s) "
                        "ON CONFLICT (user_id, property_id) DO NOTHING",
                        (user_id, r["property_id"], NOW, log_id),
                    )
    return time.perf_counter() - started


def check(url: str, user_id: uuid.UUID, ids: list[uuid.UUID], start_tokens: int) -> Checked:
    """Each matched property charged exactly once, nothing for no-matches, one unlock each."""
    with psycopg.connect(url) as conn:
        matched = conn.execute(
            "SELECT count(*) FROM property_contacts WHERE matched AND property_id = ANY(%s)",
            (ids,),
        ).fetchone()
        per_property = conn.execute(
            "SELECT c.matched, count(l.log_id) FROM property_contacts c "
            "LEFT JOIN token_usage_logs l ON l.reference = 'unlock:' || c.property_id "
            "AND l.user_id = %s WHERE c.property_id = ANY(%s) GROUP BY c.property_id, c.matched",
            (user_id, ids),
        ).fetchall()
        usage = conn.execute(
            "SELECT count(*) FROM token_usage_logs WHERE user_id = %s", (user_id,)
        ).fetchone()
        unlocks = conn.execute(
            "SELECT count(*) FROM contact_unlocks WHERE user_id = %s", (user_id,)
        ).fetchone()
        balance = conn.execute(
            "SELECT token_balance FROM users WHERE user_id = %s", (user_id,)
        ).fetchone()
    assert matched and usage and unlocks and balance
    return Checked(
        matched=matched[0],
        usage_rows=usage[0],
        charged_twice=sum(1 for _m, n in per_property if n > 1),
        charged_without_match=sum(1 for m, n in per_property if not m and n),
        unlocks=unlocks[0],
        balance_ok=balance[0] == start_tokens - PRICE * matched[0],
    )


def run(properties: int, batch: int = 500) -> Report:
    batch = min(batch, unlock.MAX_BATCH)
    report = Report("unlock", {"properties": properties, "batch": batch})
    tokens = PRICE * properties
    with scratch_database(f"propintel_bench_unlock_{os.getpid()}") as url:
        service_ids = seed_properties(url, properties, "S")
        floor_ids = seed_properties(url, properties, "F")
        per_row_ids = seed_properties(url, properties, "R")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE properties")
        emails = [f"bench-unlock-{name}@example.com" for name in ("service", "floor", "rows")]
        users = [asyncio.run(_subscriber(url, email, tokens)) for email in emails]
        service_s = asyncio.run(run_service(url, emails[0], service_ids, batch))
        set_s = floor_set_based(url, users[1], _result_rows(url, floor_ids), batch)
        rows_s = floor_per_property(url, users[2], _result_rows(url, per_row_ids), batch)
        checked = check(url, users[0], service_ids, tokens)
        report.parameters.update(
            matched=checked.matched,
            charged_exactly_once=checked.usage_rows == checked.matched
            and checked.charged_twice == 0
            and checked.charged_without_match == 0,
            usage_rows=checked.usage_rows,
            unlocks=checked.unlocks,
            balance_ok=checked.balance_ok,
        )
        report.add("floor (a): same rows, set-based SQL", set_s)
        report.add("floor (b): same rows, per-property SQL", rows_s, set_s)
        report.add(
            f"service: {properties} unlocks, batches of {batch} (local adapter)",
            service_s,
            set_s,
            ratio_per_property_floor=round(service_s / rows_s, 2) if rows_s else None,
            per_unlock_ms=round(service_s * 1000 / properties, 3),
        )
    return report


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--properties", type=int, default=1_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args(argv)
    report = run(args.properties, args.batch)
    report.print()
    return report


if __name__ == "__main__":
    main()
