"""What the marketplace tests set up: homes at known points, contractors with services, an area
and the verified badge, ratings, and jobs posted through the service (local outbox)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, User, UserType
from propintel.integrations.local.email import LocalEmail
from propintel.kit.clock import now_new_york
from propintel.marketplace import jobs
from propintel.marketplace.jobs import JobDraft, JobRow
from propintel.profiles import service as profiles
from propintel.profiles.schemas import SubscriberProfileIn
from tests.factories import make_property, make_subscriber, make_user

DOWNTOWN = (25.7617, -80.1918)
NEAR = (25.81, -80.1918)  # about 3.4 miles north of downtown
FAR = (25.86, -80.1918)  # about 6.9 miles north
HOME_STREET = "250 NE 40 ST"


async def home_at(
    db: AsyncSession, at: tuple[float, float], zip_code: str, street: str
) -> uuid.UUID:
    """A property (with a point) a job's address can match."""
    return await make_property(
        db, at=at, zip_code=zip_code, street_address=street, address_key=street,
        full_address=f"{street}, MIAMI, FL {zip_code}",
    )  # fmt: skip


async def contractor(
    db: AsyncSession,
    *,
    services: list[str],
    area: dict[str, Any],
    verified: bool = True,
    plan: Plan = Plan.FULL,
    locale: str | None = None,
) -> User:
    user = await make_subscriber(db, plan)
    data = SubscriberProfileIn.model_validate(
        {
            "business_name": f"Pro {user.email[:8]}",
            "services_offered": services,
            "service_area": area,
        }
    )
    await profiles.update_subscriber_profile(db, user, data, now_new_york())
    await db.execute(
        text("UPDATE subscriber_profiles SET verified = :v WHERE user_id = :u"),
        {"v": verified, "u": user.user_id},
    )
    if locale:
        await db.execute(
            text("UPDATE users SET preferred_locale = :l WHERE user_id = :u"),
            {"l": locale, "u": user.user_id},
        )
        await db.refresh(user)
    return user


async def rate(
    db: AsyncSession, contractor_id: uuid.UUID, *ratings: int, hidden: bool = False
) -> None:
    homeowner = await make_user(db, UserType.HOMEOWNER)
    for rating in ratings:
        await db.execute(
            text(
                "INSERT INTO contractor_reviews (contractor_id, homeowner_id, rating, hidden_at) "
                "VALUES (:c, :h, :r, CASE WHEN :hidden THEN now() END)"
            ),
            {"c": contractor_id, "h": homeowner.user_id, "r": rating, "hidden": hidden},
        )


def draft(
    category: str = "pool", *, zip_code: str = "33137", street: str = HOME_STREET
) -> JobDraft:
    return JobDraft(
        title="Green pool, pump noisy",
        description="The pool turned green and the pump makes a grinding noise.",
        category=category,
        budget="500_2000",
        timeline="this_week",
        address=street,
        zip_code=zip_code,
    )


async def post(db: AsyncSession, homeowner: User, job: JobDraft, *, limit: int = 5) -> JobRow:
    return await jobs.post_job(
        db, homeowner, job, match_limit=limit, sender=LocalEmail(db, "jobs@propintel.test"),
        public_url="http://testserver",
    )  # fmt: skip
