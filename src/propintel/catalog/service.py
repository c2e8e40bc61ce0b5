"""Catalog rules: listing, create, update, deactivate/activate — each change audit-logged in the
same transaction — and the offer other domains read (plans and bundles on sale, action prices).

An audit entry carries the changed fields only: ``before`` their old values (``null`` on create),
``after`` the new ones. An update that changes nothing writes nothing. Services flush, never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.audit.service import audit
from propintel.auth.models import User, UserType
from propintel.catalog.features import FEATURE_LABELS
from propintel.catalog.mapping import cost_service
from propintel.catalog.repository import CatalogRepository
from propintel.catalog.tables import TIER_PLAN_NAMES, Catalog, Row
from propintel.kit.errors import Conflict, Forbidden, Invalid, NotFound
from propintel.kit.i18n import _, gettext
from propintel.kit.pagination import Page


@dataclass(frozen=True)
class Plan:
    plan_id: uuid.UUID
    plan_name: str
    monthly_price: Decimal
    yearly_price: Decimal | None
    base_tokens_monthly: int
    features: dict[str, Any]
    stripe_price_id: str | None


@dataclass(frozen=True)
class Bundle:
    bundle_id: uuid.UUID
    bundle_name: str
    token_amount: int
    price: Decimal
    stripe_price_id: str | None


@dataclass(frozen=True)
class ActionPrice:
    """What an action costs: tokens per unit, and the provider's cost per unit in USD."""

    action_type: str
    tokens_required: int
    actual_cost_usd: Decimal


def not_found(catalog: Catalog) -> NotFound:
    return NotFound(_("No such {noun}.").format(noun=catalog.shown_noun))


def parse_key(catalog: Catalog, raw: str) -> Any:
    """A path's key in the table's type; a malformed UUID is simply not found."""
    if not catalog.key_is_uuid:
        return raw
    try:
        return uuid.UUID(raw)
    except ValueError as error:
        raise not_found(catalog) from error


async def page(
    session: AsyncSession, catalog: Catalog, cursor: str | None, limit: int
) -> Page[Row]:
    """One page of ``catalog``'s rows in its listing's order; ``cursor`` continues a listing."""
    after = catalog.listing.decode_optional(cursor)
    rows = await CatalogRepository.from_session(session).page(catalog, after, limit + 1)
    items, next_cursor = catalog.listing.page(rows, limit, catalog.sort_key)
    return Page(items=items, next_cursor=next_cursor)


async def get(session: AsyncSession, catalog: Catalog, key: Any) -> Row:
    row = await CatalogRepository.from_session(session).row(catalog, key)
    if row is None:
        raise not_found(catalog)
    return row


async def _existing(repo: CatalogRepository, catalog: Catalog, key: Any) -> Row:
    row = await repo.row(catalog, key, for_update=True)
    if row is None:
        raise not_found(catalog)
    return row


async def _check_unique(
    repo: CatalogRepository, catalog: Catalog, values: dict[str, Any], key: Any
) -> None:
    if catalog.unique is None or catalog.unique not in values:
        return
    holder = await repo.key_with(catalog, catalog.unique, values[catalog.unique])
    if holder is not None and holder != key:
        raise Invalid(
            _("{value} is already used by another {noun}; {column} must be unique.").format(
                value=repr(values[catalog.unique]), noun=catalog.shown_noun, column=catalog.unique
            ),
            field=catalog.unique,
        )


async def _audit(
    repo: CatalogRepository,
    admin: User,
    catalog: Catalog,
    verb: str,
    key: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    uuid_key = key if catalog.key_is_uuid else None
    text_key = None if catalog.key_is_uuid else str(key)
    await audit(
        repo.session,
        admin,
        f"{catalog.noun}.{verb}",
        catalog.table,
        uuid_key,
        before,
        after,
        entity_key=text_key,
    )


async def create(session: AsyncSession, catalog: Catalog, admin: User, data: BaseModel) -> Row:
    repo = CatalogRepository.from_session(session)
    values = data.model_dump()
    await _check_unique(repo, catalog, values, key=None)
    row = await repo.insert(catalog, values)
    await _audit(repo, admin, catalog, "create", row[catalog.key], None, values)
    return row


def _refuse_tier_rename(catalog: Catalog, row: Row, changes: dict[str, Any]) -> None:
    """A plan named after a subscription tier is what ``users.subscription_tier`` refers to."""
    if catalog.renamable_check and "plan_name" in changes and row["plan_name"] in TIER_PLAN_NAMES:
        raise Invalid(
            _(
                "The {plan} plan is a subscription tier (users.subscription_tier "
                "refers to it by name), so it cannot be renamed."
            ).format(plan=row["plan_name"]),
            field="plan_name",
        )


async def update(
    session: AsyncSession, catalog: Catalog, admin: User, key: Any, patch: BaseModel
) -> Row:
    """Apply the fields the patch sets; audit those whose value really changes."""
    repo = CatalogRepository.from_session(session)
    row = await _existing(repo, catalog, key)
    wanted = patch.model_dump(exclude_unset=True)
    changes = {name: value for name, value in wanted.items() if row[name] != value}
    if not changes:
        return row
    _refuse_tier_rename(catalog, row, changes)
    await _check_unique(repo, catalog, changes, key)
    updated = await repo.update(catalog, key, changes)
    before = {name: row[name] for name in changes}
    await _audit(repo, admin, catalog, "update", key, before, changes)
    return updated


async def set_active(
    session: AsyncSession, catalog: Catalog, admin: User, key: Any, active: bool
) -> Row:
    """Deactivate (no longer offered; kept for history) or activate again."""
    if not catalog.deactivatable:
        raise Conflict(_("A {noun} cannot be deactivated.").format(noun=catalog.shown_noun))
    repo = CatalogRepository.from_session(session)
    row = await _existing(repo, catalog, key)
    if bool(row["is_active"]) == active:
        already = (
            _("This {noun} is already active.") if active else _("This {noun} is already inactive.")
        )
        raise Conflict(already.format(noun=catalog.shown_noun))
    updated = await repo.update(catalog, key, {"is_active": active})
    verb = "activate" if active else "deactivate"
    await _audit(
        repo, admin, catalog, verb, key, {"is_active": row["is_active"]}, {"is_active": active}
    )
    return updated


# --- the offer, as other domains read it ------------------------------------------------------
async def active_plans(session: AsyncSession) -> list[Plan]:
    """The plans on sale, cheapest first."""
    rows = await CatalogRepository.from_session(session).active_plans()
    return [Plan(**row) for row in rows]


async def plans_by_id(
    session: AsyncSession, plan_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Plan]:
    """The plans with these ids, on sale or not (a subscription keeps its retired plan)."""
    if not plan_ids:
        return {}
    rows = await CatalogRepository.from_session(session).plans(plan_ids)
    return {row["plan_id"]: Plan(**row) for row in rows}


async def plan(
    session: AsyncSession, plan_id: uuid.UUID, *, active_only: bool = True
) -> Plan | None:
    if active_only:
        return next((p for p in await active_plans(session) if p.plan_id == plan_id), None)
    return (await plans_by_id(session, {plan_id})).get(plan_id)


async def active_bundles(session: AsyncSession) -> list[Bundle]:
    """The credit bundles on sale, smallest first."""
    rows = await CatalogRepository.from_session(session).active_bundles()
    return [Bundle(**row) for row in rows]


async def bundle(session: AsyncSession, bundle_id: uuid.UUID) -> Bundle | None:
    """A bundle on sale."""
    return next((b for b in await active_bundles(session) if b.bundle_id == bundle_id), None)


# Actions added after the spec, priced here until an admin adds their ``token_pricing`` row (the
# spec's seed rows stay exact: docs/schema.md); the row, once added, is the price.
DEFAULT_PRICES: Final[dict[str, ActionPrice]] = {
    "job_bid": ActionPrice("job_bid", 25, Decimal("0")),
}


async def defaults_in_use(session: AsyncSession) -> list[ActionPrice]:
    """The default prices no ``token_pricing`` row overrides yet (the admin pricing page)."""
    repo = CatalogRepository.from_session(session)
    return [price for name, price in DEFAULT_PRICES.items() if await repo.price(name) is None]


async def action_price(session: AsyncSession, action_type: str) -> ActionPrice | None:
    row = await CatalogRepository.from_session(session).price(action_type)
    if row is None:
        return DEFAULT_PRICES.get(action_type)
    return ActionPrice(
        row["action_type"], int(row["tokens_required"]), Decimal(row["actual_cost_usd"])
    )


async def provider_unit_cost(session: AsyncSession, action_type: str) -> Decimal | None:
    """What one unit of ``action_type`` costs us at its provider per ``ai_cost_config`` (the
    service ``catalog.mapping`` links the action to); None when no row fits (``contact_enrichment``
    today), where the price list's ``actual_cost_usd`` applies. For a charge whose provider
    reported no cost."""
    service = cost_service(action_type)
    if service is None:
        return None
    return await CatalogRepository.from_session(session).service_cost(service)


async def service_cost(session: AsyncSession, service_name: str) -> Decimal | None:
    """``ai_cost_config.cost_per_unit`` of one provider service (None: no such row)."""
    return await CatalogRepository.from_session(session).service_cost(service_name)


# --- plan features ------------------------------------------------------------------------------
class FeatureNotInPlan(Forbidden):
    """The caller's plan does not include a feature: the message names the plans that do."""


async def has_feature(session: AsyncSession, user: User, name: str) -> bool:
    """Whether ``user`` is a subscriber whose active plan includes feature ``name``
    (``subscription_plans.features``). API, pages and jobs all ask this one question."""
    if user.user_type != UserType.SUBSCRIBER or not user.has_active_plan:
        return False
    plan_name = str(user.subscription_tier)
    features = await CatalogRepository.from_session(session).plan_features(plan_name)
    return (features or {}).get(name) is True


async def require_feature(session: AsyncSession, user: User, name: str) -> None:
    """Refuse with ``FeatureNotInPlan`` (403) unless ``has_feature``; the message says which plans
    on sale include it, as lead search does for its leads."""
    if await has_feature(session, user, name):
        return
    feature = gettext(FEATURE_LABELS[name]) if name in FEATURE_LABELS else name
    on_sale = await active_plans(session)
    plans = [p.plan_name for p in on_sale if (p.features or {}).get(name) is True]
    including = _(" or ").join(plans) if plans else _("no plan on sale")
    if user.user_type == UserType.SUBSCRIBER and user.has_active_plan:
        message = _(
            "Your {plan} plan does not include {feature}; it comes with {plans}. "
            "Upgrade your plan to use it."
        ).format(plan=user.subscription_tier, feature=feature, plans=including)
    else:
        message = _(
            "{feature} needs an active plan that includes it: {plans}. Choose one to use it."
        ).format(feature=feature, plans=including)
    raise FeatureNotInPlan(message)
