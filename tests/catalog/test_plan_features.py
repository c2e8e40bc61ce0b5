"""``has_feature`` / ``require_feature``: one answer from the plan's features, the outreach ones
defaulted per plan (the spec's seed rows predate them) and overridden by what an admin stores."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, UserType
from propintel.catalog import service
from tests.factories import make_subscriber, make_user

OUTREACH = ("contact_unlock", "sms", "email_sequences", "crm_sync")


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (Plan.CONTRACTOR, {"contact_unlock", "sms", "email_sequences"}),
        (Plan.INVESTOR, set(OUTREACH)),
        (Plan.FULL, set(OUTREACH)),
    ],
)
async def test_default_matrix_of_the_three_plans(
    db: AsyncSession, plan: Plan, expected: set[str]
) -> None:
    user = await make_subscriber(db, plan)
    included = {name for name in OUTREACH if await service.has_feature(db, user, name)}
    assert included == expected


async def test_a_stored_key_overrides_the_default(db: AsyncSession) -> None:
    user = await make_subscriber(db, Plan.CONTRACTOR)
    await db.execute(
        text(
            "UPDATE subscription_plans SET features = features || "
            "'{\"sms\": false, \"crm_sync\": true}' WHERE plan_name = 'contractor'"
        )
    )
    assert not await service.has_feature(db, user, "sms")
    assert await service.has_feature(db, user, "crm_sync")
    assert await service.has_feature(db, user, "contact_unlock")  # still the default


async def test_refusal_names_the_plans_that_include_it(db: AsyncSession) -> None:
    contractor = await make_subscriber(db, Plan.CONTRACTOR)
    with pytest.raises(service.FeatureNotInPlan) as refused:
        await service.require_feature(db, contractor, "crm_sync")
    assert refused.value.status_code == 403
    assert refused.value.message == (
        "Your contractor plan does not include CRM sync; it comes with investor or full. "
        "Upgrade your plan to use it."
    )
    await service.require_feature(db, contractor, "sms")  # included: no refusal


async def test_no_plan_and_other_kinds_of_account_have_no_feature(db: AsyncSession) -> None:
    no_plan = await make_subscriber(db, Plan.NONE)
    homeowner = await make_user(db, UserType.HOMEOWNER)
    admin = await make_user(db, UserType.ADMIN)
    for user in (no_plan, homeowner, admin):
        assert not await service.has_feature(db, user, "sms")
    with pytest.raises(service.FeatureNotInPlan) as refused:
        await service.require_feature(db, no_plan, "sms")
    assert refused.value.message.startswith("SMS to owners needs an active plan that includes it")


async def test_unknown_feature_is_never_included(db: AsyncSession) -> None:
    user = await make_subscriber(db, Plan.FULL)
    assert not await service.has_feature(db, user, "teleportation")
