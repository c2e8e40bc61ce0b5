"""Contractor verification's statements over ``subscriber_profiles``: the license fields, the three
document lists (JSONB), the verification state and the badge (``verified``), which only
this module writes; the review queue; the approved profiles whose documents have lapsed."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    DateTime,
    Integer,
    Row,
    String,
    Text,
    case,
    column,
    func,
    select,
    table,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from propintel.db.repository import Repository

profiles = table(
    "subscriber_profiles",
    column("profile_id", UUID(as_uuid=True)),
    column("user_id", UUID(as_uuid=True)),
    column("business_name", String(255)),
    column("license_number", String(100)),
    column("license_type", String(100)),
    column("year_established", Integer),
    column("google_place_id", String(255)),
    column("license_documents", JSONB),
    column("insurance_documents", JSONB),
    column("bond_documents", JSONB),
    column("verified", Boolean),
    column("verification_status", String(20)),
    column("verification_reason", Text),
    column("verification_submitted_at", DateTime),
    column("verified_at", DateTime),
    column("verified_by", UUID(as_uuid=True)),
    column("updated_at", DateTime),
)

users = table(
    "users",
    column("user_id", UUID(as_uuid=True)),
    column("email", String(255)),
    column("user_type", String(20)),
)

COLUMNS = (
    profiles.c.profile_id,
    profiles.c.user_id,
    profiles.c.business_name,
    profiles.c.license_number,
    profiles.c.license_type,
    profiles.c.year_established,
    profiles.c.google_place_id,
    profiles.c.license_documents,
    profiles.c.insurance_documents,
    profiles.c.bond_documents,
    profiles.c.verified,
    profiles.c.verification_status,
    profiles.c.verification_reason,
    profiles.c.verification_submitted_at,
    profiles.c.verified_at,
    profiles.c.verified_by,
    users.c.email,
)

# The queue's order: pending first, then the others; oldest submission first; the profile id.
_RANK = case((profiles.c.verification_status == "pending", 0), else_=1)
_SUBMITTED = func.coalesce(profiles.c.verification_submitted_at, datetime(1970, 1, 1))

# The approved profiles' documents with an expiry date before the day: a set-returning JSONB
# expansion over the three lists, which Core would only obscure. Values are bound parameters.
_LAPSED = text(
    """
    SELECT p.user_id, d.kind, d.doc ->> 'file_name' AS file_name,
           (d.doc ->> 'expires_on')::date AS expires_on
    FROM subscriber_profiles p
    JOIN users u ON u.user_id = p.user_id AND u.erased_at IS NULL
    CROSS JOIN LATERAL (
      SELECT l.kind, x AS doc
      FROM (VALUES ('license', p.license_documents),
                   ('insurance', p.insurance_documents),
                   ('bond', p.bond_documents)) AS l (kind, docs)
      CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(l.docs) = 'array' THEN l.docs ELSE '[]'::jsonb END
      ) AS x
    ) d
    WHERE p.verification_status = 'approved'
      AND COALESCE(d.doc ->> 'expires_on', '') <> ''
      AND (d.doc ->> 'expires_on')::date < :today
    ORDER BY p.user_id, (d.doc ->> 'expires_on')::date, d.kind
    """
)


class VerificationRepository(Repository):
    async def profile(self, user_id: uuid.UUID) -> Row[Any] | None:
        statement = (
            select(*COLUMNS)
            .select_from(profiles.join(users, users.c.user_id == profiles.c.user_id))
            .where(profiles.c.user_id == user_id)
            .order_by(profiles.c.profile_id)
            .limit(1)
        )
        row: Any = (await self.session.execute(statement)).first()
        return cast("Row[Any] | None", row)

    async def update(self, user_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(
            update(profiles).where(profiles.c.user_id == user_id).values(**values)
        )

    async def expire(self, user_id: uuid.UUID, reason: str, now: datetime) -> bool:
        """Take the badge from an approved profile; False when it is no longer approved."""
        result = await self.session.execute(
            update(profiles)
            .where(profiles.c.user_id == user_id, profiles.c.verification_status == "approved")
            .values(
                verified=False,
                verification_status="expired",
                verification_reason=reason,
                updated_at=now,
            )
            .returning(profiles.c.user_id)
        )
        return result.first() is not None

    async def queue(
        self, after: tuple[int, datetime, uuid.UUID] | None, limit: int
    ) -> list[Row[Any]]:
        """Profiles sent for review at least once: pending first, oldest submission first."""
        statement = (
            select(*COLUMNS, _RANK.label("rank"), _SUBMITTED.label("submitted"))
            .select_from(profiles.join(users, users.c.user_id == profiles.c.user_id))
            .where(profiles.c.verification_status != "none")
            .order_by(_RANK, _SUBMITTED, profiles.c.profile_id)
            .limit(limit)
        )
        if after is not None:
            statement = statement.where(
                tuple_(_RANK, _SUBMITTED, profiles.c.profile_id) > tuple_(*after)
            )
        rows: Any = (await self.session.execute(statement)).all()
        return list(rows)

    async def lapsed(self, today: date) -> list[Row[Any]]:
        return list((await self.session.execute(_LAPSED, {"today": today})).all())

    async def is_verified(self, user_id: uuid.UUID) -> bool:
        statement = select(func.bool_or(profiles.c.verified)).where(profiles.c.user_id == user_id)
        return bool((await self.session.execute(statement)).scalar())
