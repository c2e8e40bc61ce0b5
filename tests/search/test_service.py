"""The search service as other domains call it (saved-search alerts): ids, gating included."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from propintel.search.criteria import SearchCriteria
from propintel.search.service import PlanRequired, matching_property_ids
from tests.factories import make_property, make_subscriber
from tests.scoring.helpers import AS_OF, add_sale, add_signal, days_ago, refresh


async def test_matching_ids_follow_the_plan_and_the_criteria(db: AsyncSession) -> None:
    new_owner = await make_property(db, zip_code="33139")
    await add_sale(db, new_owner, days_ago(10))
    distressed = await make_property(db, zip_code="33139")
    await add_signal(db, distressed, "tax_lien")
    await refresh(db)
    contractor = await make_subscriber(db, Plan.CONTRACTOR)
    full = await make_subscriber(db, Plan.FULL)
    criteria = SearchCriteria(zip=["33139"])

    assert await matching_property_ids(db, contractor, criteria, today=AS_OF) == [new_owner]
    found = await matching_property_ids(db, full, criteria, today=AS_OF)
    assert sorted(found) == sorted([new_owner, distressed])
    assert await matching_property_ids(db, full, criteria, limit=1, today=AS_OF) == [new_owner]


async def test_matching_ids_refuse_a_subscriber_without_a_plan(db: AsyncSession) -> None:
    nobody = await make_subscriber(db, Plan.NONE)
    with pytest.raises(PlanRequired):
        await matching_property_ids(db, nobody, SearchCriteria())
