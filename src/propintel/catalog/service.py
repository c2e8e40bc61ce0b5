"""Catalog rules: create, update, deactivate/activate — each audit-logged in the same transaction.

An audit entry carries the changed fields only: ``before`` their old values (``null`` on create),
``after`` the new ones. An update that changes nothing writes nothing. Services flush, never commit.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel

from propintel.audit.service import audit
from propintel.auth.models import User
from propintel.catalog.repository import CatalogRepository, Row
from propintel.catalog.tables import TIER_PLAN_NAMES, Catalog
from propintel.kit.errors import Conflict, Invalid, NotFound


def not_found(catalog: Catalog) -> NotFound:
    return NotFound(f"No such {catalog.noun.replace('_', ' ')}.")


def parse_key(catalog: Catalog, raw: str) -> Any:
    """A path's key in the table's type; a malformed UUID is simply not found."""
    if not catalog.key_is_uuid:
        return raw
    try:
        return uuid.UUID(raw)
    except ValueError as error:
        raise not_found(catalog) from error


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
            f"{values[catalog.unique]!r} is already used by another {catalog.noun}; "
            f"{catalog.unique} must be unique.",
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


async def create(repo: CatalogRepository, catalog: Catalog, admin: User, data: BaseModel) -> Row:
    values = data.model_dump()
    await _check_unique(repo, catalog, values, key=None)
    row = await repo.insert(catalog, values)
    await _audit(repo, admin, catalog, "create", row[catalog.key], None, values)
    return row


def _refuse_tier_rename(catalog: Catalog, row: Row, changes: dict[str, Any]) -> None:
    """A plan named after a subscription tier is what ``users.subscription_tier`` refers to."""
    if catalog.renamable_check and "plan_name" in changes and row["plan_name"] in TIER_PLAN_NAMES:
        raise Invalid(
            f"The {row['plan_name']} plan is a subscription tier (users.subscription_tier "
            "refers to it by name), so it cannot be renamed.",
            field="plan_name",
        )


async def update(
    repo: CatalogRepository, catalog: Catalog, admin: User, key: Any, patch: BaseModel
) -> Row:
    """Apply the fields the patch sets; audit those whose value really changes."""
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
    repo: CatalogRepository, catalog: Catalog, admin: User, key: Any, active: bool
) -> Row:
    """Deactivate (no longer offered; kept for history) or activate again."""
    if not catalog.deactivatable:
        raise Conflict(f"A {catalog.noun.replace('_', ' ')} cannot be deactivated.")
    row = await _existing(repo, catalog, key)
    if bool(row["is_active"]) == active:
        state = "active" if active else "inactive"
        raise Conflict(f"This {catalog.noun} is already {state}.")
    updated = await repo.update(catalog, key, {"is_active": active})
    verb = "activate" if active else "deactivate"
    await _audit(
        repo, admin, catalog, verb, key, {"is_active": row["is_active"]}, {"is_active": active}
    )
    return updated
