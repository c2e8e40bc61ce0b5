"""Chat context benchmark: what the assistant reads before each question, against the raw-SQL
floor of its retrieval, in one run.

    python bench/chat_context.py --subscribers 20 --entries 1000 --rounds 5

A scratch database migrated to head holds ``--subscribers`` subscribers, each with ``--entries``
knowledge-base entries and ``--entries / 20`` active scripts written from one vocabulary (so every
subscriber's entries share words with everyone else's), English and Spanish alike.
  floor    : the retrieval's full-text query in plain SQL through psycopg (one statement per
             question and kind: the question's words OR-ed in English and Spanish, ranked, the
             best 3 knowledge passages and 2 scripts of ONE subscriber);
  retrieval: ``retrieval.search_any`` for the same questions and kinds (the service's path);
  context  : ``context.gather`` (no lead): retrieval, the passages' and scripts' text, the
             profile — everything the model is given before a question without a lead.
Checks: for every question the service finds exactly the floor's rows, and never a row of
another subscriber.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Report, scratch_database  # noqa: E402
from propintel.assistant import context, retrieval  # noqa: E402
from propintel.auth.models import Plan, User, UserType  # noqa: E402
from propintel.auth.service import NewAccount, register  # noqa: E402
from propintel.config import get_settings  # noqa: E402
from propintel.db.engine import create_engine_for, unit_of_work  # noqa: E402

_WORDS = (
    "pool pump filter cleaning weekly chlorine heater leak repair price quote warranty lawn",
    "mowing sod irrigation hedge roof shingle tile leak inspection hurricane permit insurance",
    "hvac filter duct compressor thermostat financing discount homeowner closing cash offer",
    "piscina bomba filtro limpieza semanal cloro techo teja goteras cotización garantía jardín",
    "césped riego aire acondicionado financiamiento descuento propietario oferta efectivo",
)
VOCABULARY = " ".join(_WORDS).split()
QUESTIONS = (
    "What do we charge for a weekly pool cleaning?",
    "Do we offer financing for a new roof?",
    "How fast can we repair a leak after a hurricane?",
    "Write a first text to this new homeowner about lawn care",
    "¿Cuánto cuesta la limpieza semanal de la piscina?",
    "¿Ofrecemos garantía en la reparación del techo?",
    "Is the thermostat covered by the warranty?",
    "Make a cash offer script for an inherited house",
)
KINDS = (("knowledge", 3), ("script", 2))

# The retrieval's query (assistant/retrieval_repository.py) for one kind, in plain SQL.
FLOOR = {
    "knowledge": """
SELECT kb_id FROM (
  SELECT kb_id,
         greatest(ts_rank_cd(search_en, websearch_to_tsquery('english', %(q)s)),
                  ts_rank_cd(search_es, websearch_to_tsquery('spanish', %(q)s))) AS rank
  FROM subscriber_knowledge_base
  WHERE user_id = %(user)s
    AND (search_en @@ websearch_to_tsquery('english', %(q)s)
         OR search_es @@ websearch_to_tsquery('spanish', %(q)s))
) found ORDER BY rank DESC, kb_id LIMIT %(limit)s
""",
    "script": """
SELECT script_id FROM (
  SELECT script_id,
         greatest(ts_rank_cd(search_en, websearch_to_tsquery('english', %(q)s)),
                  ts_rank_cd(search_es, websearch_to_tsquery('spanish', %(q)s))) AS rank
  FROM subscriber_scripts
  WHERE user_id = %(user)s AND is_active IS TRUE
    AND (search_en @@ websearch_to_tsquery('english', %(q)s)
         OR search_es @@ websearch_to_tsquery('spanish', %(q)s))
) found ORDER BY rank DESC, script_id LIMIT %(limit)s
""",
}


def seed_users(url: str, count: int) -> list[uuid.UUID]:
    """``count`` full-plan subscribers as plain rows."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "INSERT INTO users (email, firebase_uid, user_type, subscription_tier, "
            "subscription_status, token_balance, email_verified_at) "
            "SELECT 'bench-chat-' || n || '@example.com', 'local:bench-chat-' || n, "
            "'subscriber', 'full', 'active', 0, now() "
            "FROM generate_series(1, %(count)s) AS n RETURNING user_id",
            {"count": count},
        ).fetchall()
    return [row[0] for row in rows]


def seed_rows(url: str, users: list[uuid.UUID], entries: int) -> None:
    """Each user's ``entries`` knowledge entries and ``entries / 20`` active scripts, their words
    drawn from one list (so everyone's rows share words)."""
    words = "{" + ",".join(f'"{w}"' for w in VOCABULARY) + "}"
    draw = "(%(words)s::text[])[1 + floor(random() * %(n)s)::int]"
    sentence = " || ' ' || ".join([draw] * 12)
    params = {"users": users, "entries": entries, "words": words, "n": len(VOCABULARY)}
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO subscriber_knowledge_base (user_id, content_type, title, content, tags) "
            f"SELECT u, 'faq', {draw} || ' ' || {draw}, {sentence}, '[]' "
            "FROM unnest(%(users)s::uuid[]) AS u, generate_series(1, %(entries)s)",
            params,
        )
        conn.execute(
            "INSERT INTO subscriber_scripts (user_id, script_type, script_name, script_content) "
            f"SELECT u, 'sms', {draw} || ' ' || {draw}, {sentence} "
            "FROM unnest(%(users)s::uuid[]) AS u, "
            "generate_series(1, greatest(%(entries)s / 20, 1))",
            params,
        )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE subscriber_knowledge_base")
        conn.execute("VACUUM ANALYZE subscriber_scripts")


def floor(url: str, user_id: uuid.UUID, rounds: int) -> tuple[float, dict[str, list[uuid.UUID]]]:
    """Seconds for ``rounds`` of every question and kind in plain SQL, and what each found."""
    found: dict[str, list[uuid.UUID]] = {}
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        for _ in range(rounds):
            for question in QUESTIONS:
                query = retrieval.any_of_words(question)
                ids: list[uuid.UUID] = []
                for kind, limit in KINDS:
                    rows = conn.execute(FLOOR[kind], {"q": query, "user": user_id, "limit": limit})
                    ids += [row[0] for row in rows]
                found[question] = ids
        return time.perf_counter() - started, found


async def service(
    url: str, user_id: uuid.UUID, rounds: int
) -> tuple[float, float, dict[str, list[uuid.UUID]]]:
    """Seconds for ``rounds`` through ``retrieval.search_any``, then through ``context.gather``,
    and what the retrieval found."""
    engine = create_engine_for(url, pool_size=1)
    found: dict[str, list[uuid.UUID]] = {}
    try:
        async with unit_of_work(engine) as session:
            started = time.perf_counter()
            for _ in range(rounds):
                for question in QUESTIONS:
                    ids: list[uuid.UUID] = []
                    for kind, limit in KINDS:
                        passages = await retrieval.search_any(
                            session, user_id, question, limit=limit, kinds=(kind,)
                        )
                        ids += [passage.id for passage in passages]
                    found[question] = ids
            retrieval_s = time.perf_counter() - started
            user = await session.get(User, user_id)
            assert user is not None
            started = time.perf_counter()
            for _ in range(rounds):
                for question in QUESTIONS:
                    await context.gather(
                        session, user, question, lead_id=None, new_homeowner_days=365
                    )
            return retrieval_s, time.perf_counter() - started, found
    finally:
        await engine.dispose()


def owners(url: str, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT user_id FROM subscriber_knowledge_base WHERE kb_id = ANY(%(ids)s) "
            "UNION SELECT user_id FROM subscriber_scripts WHERE script_id = ANY(%(ids)s)",
            {"ids": ids},
        ).fetchall()
    return {row[0] for row in rows}


async def _measured_subscriber(url: str) -> uuid.UUID:
    """A subscriber made through the service (with a profile), holding its own entries."""
    engine = create_engine_for(url, pool_size=1)
    try:
        async with unit_of_work(engine) as session:
            account = NewAccount(
                "bench-chat-measured@example.com",
                "bench-chat-password",
                UserType.SUBSCRIBER,
                Plan.FULL,
                email_verified=True,
            )
            user = await register(session, get_settings(), account)
            await session.flush()
            return user.user_id
    finally:
        await engine.dispose()


def run(subscribers: int, entries: int, rounds: int) -> Report:
    parameters = {"subscribers": subscribers, "entries": entries, "rounds": rounds}
    report = Report("chat_context", parameters)
    with scratch_database(f"propintel_bench_chat_{os.getpid()}") as url:
        measured = asyncio.run(_measured_subscriber(url))
        seed_rows(url, [measured, *seed_users(url, subscribers - 1)], entries)
        asked = rounds * len(QUESTIONS)
        floor_s, floor_found = floor(url, measured, rounds)
        retrieval_s, gather_s, found = asyncio.run(service(url, measured, rounds))
        every = [row for ids in found.values() for row in ids]
        report.parameters.update(
            questions=asked,
            same_rows_as_floor=found == floor_found,
            rows_found=len(every),
            only_own_rows=owners(url, every) <= {measured},
        )
        report.add("floor: retrieval in plain SQL", floor_s, per_question_ms=_ms(floor_s, asked))
        report.add(
            "retrieval: retrieval.search_any",
            retrieval_s,
            floor_s,
            per_question_ms=_ms(retrieval_s, asked),
        )
        report.add(
            "context: context.gather (no lead)",
            gather_s,
            floor_s,
            per_question_ms=_ms(gather_s, asked),
        )
    return report


def _ms(seconds: float, count: int) -> float:
    return round(seconds * 1000 / count, 2)


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=20)
    parser.add_argument("--entries", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    report = run(args.subscribers, args.entries, args.rounds)
    report.print()
    return report


if __name__ == "__main__":
    main()
