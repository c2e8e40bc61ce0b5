"""The four catalog tables, described once so the repository, service, API and pages are shared.

A ``Catalog`` names its table, key, columns, unique column, its listing's order (keyset-paged,
``kit/pagination.py``), whether rows are deactivated rather than deleted (``is_active``) and
whether the table keeps ``updated_at``. Nothing is ever deleted:
plans and bundles are deactivated (subscriptions and purchases refer to them), pricing rows are
referenced by ``token_reservations`` and by the code that charges, and AI cost rows are the
Economics report's markup targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.dialects.postgresql import JSONB, UUID

from propintel.auth.models import Plan
from propintel.catalog import schemas
from propintel.db.base import Base
from propintel.kit.i18n import N_, gettext
from propintel.kit.pagination import KeyPart, Listing

Row = dict[str, Any]  # a stored row: its key, columns and stamps by name
FieldKind = Literal["slug", "text", "money", "cost", "percent", "tokens", "features", "longtext"]


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: FieldKind
    required: bool = True
    on_create_only: bool = False  # a key chosen at creation, never changed afterwards

    @property
    def shown_label(self) -> str:
        """The label in the current locale (``label`` is the English message id)."""
        return gettext(self.label)


@dataclass(frozen=True)
class Catalog:
    slug: str  # API path segment and audit action prefix
    noun: str  # "plan": used in messages and audit actions (``plan.update``)
    title: str
    table: str
    key: str
    key_is_uuid: bool
    columns: tuple[Column, ...]
    unique: str | None
    sort: tuple[tuple[str, KeyPart], ...]  # the listing's order: columns ending in a unique one
    page: str  # the admin page that lists it
    edit_prefix: str  # an item's edit page is edit_prefix/<key>
    create_model: type[BaseModel]
    patch_model: type[BaseModel]
    out_model: type[BaseModel]
    deactivatable: bool = False
    has_updated_at: bool = False
    renamable_check: bool = False  # plans: tier names cannot be renamed

    @property
    def shown_title(self) -> str:
        """The title in the current locale (``title`` is the English message id)."""
        return gettext(self.title)

    @property
    def shown_noun(self) -> str:
        """The noun as people read it, in the current locale: "bundle", "token pricing"."""
        return gettext(NOUNS.get(self.noun, self.noun.replace("_", " ")))

    @property
    def stored_columns(self) -> tuple[str, ...]:
        """What is read back: the key, the columns, and is_active/created_at/updated_at."""
        extra = ("is_active", "created_at") if self.deactivatable else ()
        stamp = ("updated_at",) if self.has_updated_at else ()
        names = [self.key] if self.key_is_uuid else []
        names += [column.name for column in self.columns]
        return tuple(dict.fromkeys([*names, *extra, *stamp]))

    @property
    def listing(self) -> Listing:
        """Cursors of this table's listing (a plans cursor is refused by the bundles list)."""
        return Listing(f"catalog.{self.slug}", tuple(kind for _, kind in self.sort))

    def sort_key(self, row: Row) -> tuple[Any, ...]:
        return tuple(row[name] for name, _ in self.sort)

    def editable(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if not column.on_create_only)


# Each catalog's noun as people read it (message ids; ``Catalog.shown_noun`` translates).
NOUNS: Final = {
    "plan": N_("plan"),
    "bundle": N_("bundle"),
    "token_pricing": N_("token pricing"),
    "ai_cost": N_("ai cost"),
}

PLANS = Catalog(
    slug="plans",
    noun="plan",
    title=N_("Subscription plans"),
    table="subscription_plans",
    key="plan_id",
    key_is_uuid=True,
    columns=(
        Column("plan_name", N_("Name"), "slug"),
        Column("monthly_price", N_("Monthly price (USD)"), "money"),
        Column("yearly_price", N_("Yearly price (USD)"), "money", required=False),
        Column("base_tokens_monthly", N_("Tokens per month"), "tokens"),
        Column("features", N_("Features"), "features"),
        Column("stripe_price_id", N_("Stripe price id"), "text", required=False),
    ),
    unique="plan_name",
    sort=(("monthly_price", KeyPart.DECIMAL), ("plan_name", KeyPart.TEXT)),
    page="/admin/plans",
    edit_prefix="/admin/plans",
    create_model=schemas.PlanCreate,
    patch_model=schemas.PlanPatch,
    out_model=schemas.PlanOut,
    deactivatable=True,
    has_updated_at=True,
    renamable_check=True,
)

BUNDLES = Catalog(
    slug="bundles",
    noun="bundle",
    title=N_("Token bundles"),
    table="token_bundles",
    key="bundle_id",
    key_is_uuid=True,
    columns=(
        Column("bundle_name", N_("Name"), "text"),
        Column("token_amount", N_("Tokens"), "tokens"),
        Column("price", N_("Price (USD)"), "money"),
        Column("stripe_price_id", N_("Stripe price id"), "text", required=False),
    ),
    unique=None,
    sort=(
        ("token_amount", KeyPart.INT),
        ("price", KeyPart.DECIMAL),
        ("bundle_id", KeyPart.UUID),
    ),
    page="/admin/bundles",
    edit_prefix="/admin/bundles",
    create_model=schemas.BundleCreate,
    patch_model=schemas.BundlePatch,
    out_model=schemas.BundleOut,
    deactivatable=True,
)

PRICING = Catalog(
    slug="token-pricing",
    noun="token_pricing",
    title=N_("Token pricing (tokens per action)"),
    table="token_pricing",
    key="action_type",
    key_is_uuid=False,
    columns=(
        Column("action_type", N_("Action"), "slug", on_create_only=True),
        Column("tokens_required", N_("Tokens per unit"), "tokens"),
        Column("actual_cost_usd", N_("Provider cost per unit (USD)"), "cost"),
        Column("description", N_("Description"), "longtext", required=False),
    ),
    unique="action_type",
    sort=(("action_type", KeyPart.TEXT),),
    page="/admin/pricing",
    edit_prefix="/admin/pricing/actions",
    create_model=schemas.PricingCreate,
    patch_model=schemas.PricingPatch,
    out_model=schemas.PricingOut,
    has_updated_at=True,
)

AI_COSTS = Catalog(
    slug="ai-costs",
    noun="ai_cost",
    title=N_("AI and provider cost configuration"),
    table="ai_cost_config",
    key="config_id",
    key_is_uuid=True,
    columns=(
        Column("service_name", N_("Service"), "slug", on_create_only=True),
        Column("cost_per_unit", N_("Cost per unit (USD)"), "cost"),
        Column("markup_percentage", N_("Target markup (%)"), "percent"),
        Column("tokens_per_unit", N_("Tokens per unit"), "tokens"),
        Column("unit_description", N_("Unit"), "text", required=False),
    ),
    unique="service_name",
    sort=(("service_name", KeyPart.TEXT),),
    page="/admin/pricing",
    edit_prefix="/admin/pricing/ai-costs",
    create_model=schemas.AiCostCreate,
    patch_model=schemas.AiCostPatch,
    out_model=schemas.AiCostOut,
    has_updated_at=True,
)

CATALOGS: Final = (PLANS, BUNDLES, PRICING, AI_COSTS)
TIER_PLAN_NAMES: Final = frozenset(plan.value for plan in Plan if plan != Plan.NONE)

# The four tables for Core statements (spec section 8; created by migrations, never from here).
# ``features`` keeps None as SQL NULL, as the column stores it.
subscription_plans = sa.Table(
    "subscription_plans",
    Base.metadata,
    sa.Column(
        "plan_id",
        UUID(as_uuid=True),
        primary_key=True,
        server_default=sa.text("uuid_generate_v4()"),
    ),
    sa.Column("plan_name", sa.String(50)),
    sa.Column("monthly_price", sa.Numeric(10, 2)),
    sa.Column("yearly_price", sa.Numeric(10, 2)),
    sa.Column("base_tokens_monthly", sa.Integer),
    sa.Column("features", JSONB(none_as_null=True)),
    sa.Column("stripe_price_id", sa.String(255)),
    sa.Column("is_active", sa.Boolean),
    sa.Column("created_at", sa.DateTime),
    sa.Column("updated_at", sa.DateTime),
)
token_bundles = sa.Table(
    "token_bundles",
    Base.metadata,
    sa.Column(
        "bundle_id",
        UUID(as_uuid=True),
        primary_key=True,
        server_default=sa.text("uuid_generate_v4()"),
    ),
    sa.Column("bundle_name", sa.String(50)),
    sa.Column("token_amount", sa.Integer),
    sa.Column("price", sa.Numeric(10, 2)),
    sa.Column("stripe_price_id", sa.String(255)),
    sa.Column("is_active", sa.Boolean),
    sa.Column("created_at", sa.DateTime),
)
token_pricing = sa.Table(
    "token_pricing",
    Base.metadata,
    sa.Column("action_type", sa.String(50), primary_key=True),
    sa.Column("tokens_required", sa.Integer),
    sa.Column("actual_cost_usd", sa.Numeric(10, 6)),
    sa.Column("description", sa.Text),
    sa.Column("updated_at", sa.DateTime),
)
ai_cost_config = sa.Table(
    "ai_cost_config",
    Base.metadata,
    sa.Column(
        "config_id",
        UUID(as_uuid=True),
        primary_key=True,
        server_default=sa.text("uuid_generate_v4()"),
    ),
    sa.Column("service_name", sa.String(50)),
    sa.Column("cost_per_unit", sa.Numeric(10, 6)),
    sa.Column("markup_percentage", sa.Numeric(5, 2)),
    sa.Column("tokens_per_unit", sa.Integer),
    sa.Column("unit_description", sa.String(100)),
    sa.Column("updated_at", sa.DateTime),
)
TABLES: Final = {
    table.name: table
    for table in (subscription_plans, token_bundles, token_pricing, ai_cost_config)
}
