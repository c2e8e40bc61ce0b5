"""A refresh that rewrites most properties drops their secondary indexes, updates, and builds
them again from their catalog definitions: same scores, same indexes, as the row-by-row path."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.scoring import refresh_plan
from tests.factories import make_property
from tests.scoring.helpers import add_sale, add_signal, days_ago, refresh, scores

INDEX_DEFINITIONS = (
    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'properties' ORDER BY indexname"
)


async def _three_properties(db: AsyncSession) -> list[uuid.UUID]:
    liened, sold, quiet = [await make_property(db) for _ in range(3)]
    await add_signal(db, liened, "tax_lien")
    await add_sale(db, sold, days_ago(20))
    return [liened, sold, quiet]


async def _scored(
    db: AsyncSession, bulk_threshold: int, monkeypatch: pytest.MonkeyPatch
) -> list[object]:
    monkeypatch.setattr(refresh_plan, "BULK_REWRITE_MIN_ROWS", bulk_threshold)
    ids = await _three_properties(db)
    result = await refresh(db)
    rebuilt = "index_rebuild" in result.timings_s
    return [rebuilt, result.changed, *[await scores(db, property_id) for property_id in ids]]


async def test_a_bulk_rewrite_gives_the_same_scores_and_keeps_every_index(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (await db.execute(text(INDEX_DEFINITIONS))).all()
    await db.execute(text("SAVEPOINT row_by_row"))
    row_by_row = await _scored(db, 10**9, monkeypatch)
    await db.execute(text("ROLLBACK TO SAVEPOINT row_by_row"))
    bulk = await _scored(db, 1, monkeypatch)
    assert (row_by_row[0], bulk[0]) == (False, True)
    assert bulk[1:] == row_by_row[1:] and bulk[1] >= 2
    assert (await db.execute(text(INDEX_DEFINITIONS))).all() == before


def test_only_a_rewrite_of_most_of_the_examined_properties_is_a_bulk_rewrite() -> None:
    result = refresh_plan.RefreshResult(as_of=days_ago(0), mode="all")
    result.examined, result.changed = 1_000_000, 499_999
    assert not refresh_plan.rewrites_most_properties(result)
    result.changed = 500_000
    assert refresh_plan.rewrites_most_properties(result)
    result.examined, result.changed = 150_000, 99_999
    assert not refresh_plan.rewrites_most_properties(result)
