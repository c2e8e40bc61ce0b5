"""Every admin write is audit-logged, in the same transaction as the write.

The admin write routes are read from the app itself: a new POST/PATCH route under /admin or
/api/v1/admin fails ``test_every_admin_write_route_has_a_case`` until it gets a case below, and
each case checks that its route wrote exactly one entry with the expected action.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.app import create_app
from propintel.audit.entries import ACTION_LABELS
from propintel.auth.models import UserType
from propintel.kit.files import LocalFileStore
from tests.factories import bearer_for, csrf_of, log_in_browser, make_subscriber, make_user
from tests.ingest.conftest import FIXTURES

WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}


@dataclass(frozen=True)
class Write:
    """One admin write route: the URL to call (``{plan}``, ``{bundle}``, ``{ai_cost}``,
    ``{user}`` are filled in), its form fields (pages) or JSON body (API), SQL to run first
    (e.g. deactivating the row an activation needs) and the audit action it must write."""

    url: str
    action: str
    body: dict[str, Any] = field(default_factory=dict)
    before: str | None = None
    upload: str | None = None  # a fixture file sent as the form's "file"


PLAN_FORM = {
    "plan_name": "contractor",
    "monthly_price": "59.00",
    "yearly_price": "490.00",
    "base_tokens_monthly": "10000",
    "features.new_homeowner_leads": "on",
    "features.ai_chat": "on",
}
NEW_PLAN = {"plan_name": "agency", "monthly_price": "199", "base_tokens_monthly": "1000"}
NEW_BUNDLE = {"bundle_name": "5000 Credits", "token_amount": "5000", "price": "5.00"}
NEW_PRICE = {"action_type": "fax_send", "tokens_required": "3", "actual_cost_usd": "0.01"}
NEW_COST = {"service_name": "fax_vendor", "cost_per_unit": "0.01", "markup_percentage": "30"}
INACTIVE_PLAN = "UPDATE subscription_plans SET is_active = false WHERE plan_id = :plan"
INACTIVE_BUNDLE = "UPDATE token_bundles SET is_active = false WHERE bundle_id = :bundle"
SUSPENDED = "UPDATE users SET suspended_at = LOCALTIMESTAMP WHERE user_id = :user"
REASON = {"reason": "support ticket 42"}
DNC_SAMPLE = "../../data/dnc_sample.txt"  # tests/data, from the ingest fixtures' folder
# The subscriber's profile (made with the account or not) waiting for review.
PENDING_VERIFICATION = (
    "WITH waiting AS (UPDATE subscriber_profiles SET license_number = 'CGC1234567', "
    "verification_status = 'pending', verification_submitted_at = LOCALTIMESTAMP "
    "WHERE user_id = :user RETURNING 1) "
    "INSERT INTO subscriber_profiles (user_id, license_number, verification_status, "
    "verification_submitted_at) SELECT :user, 'CGC1234567', 'pending', LOCALTIMESTAMP "
    "WHERE NOT EXISTS (SELECT 1 FROM waiting)"
)

PAGES: dict[tuple[str, str], Write] = {
    ("POST", "/admin/imports"): Write(
        "/admin/imports", "import.upload", {"kind": "nal"}, upload="nal_small.csv"
    ),
    ("POST", "/admin/users/{user_id}/tokens"): Write(
        "/admin/users/{user}/tokens", "tokens.grant", {"action": "grant", "tokens": "10", **REASON}
    ),
    ("POST", "/admin/users/{user_id}/{verb}"): Write(
        "/admin/users/{user}/suspend", "user.suspend", REASON
    ),
    ("POST", "/admin/plans"): Write("/admin/plans", "plan.create", NEW_PLAN),
    ("POST", "/admin/plans/{key}"): Write("/admin/plans/{plan}", "plan.update", PLAN_FORM),
    ("POST", "/admin/plans/{key}/deactivate"): Write(
        "/admin/plans/{plan}/deactivate", "plan.deactivate"
    ),
    ("POST", "/admin/plans/{key}/activate"): Write(
        "/admin/plans/{plan}/activate", "plan.activate", before=INACTIVE_PLAN
    ),
    ("POST", "/admin/bundles"): Write("/admin/bundles", "bundle.create", NEW_BUNDLE),
    ("POST", "/admin/bundles/{key}"): Write(
        "/admin/bundles/{bundle}",
        "bundle.update",
        {"bundle_name": "10000 Credits", "token_amount": "10000", "price": "9.00"},
    ),
    ("POST", "/admin/bundles/{key}/deactivate"): Write(
        "/admin/bundles/{bundle}/deactivate", "bundle.deactivate"
    ),
    ("POST", "/admin/bundles/{key}/activate"): Write(
        "/admin/bundles/{bundle}/activate", "bundle.activate", before=INACTIVE_BUNDLE
    ),
    ("POST", "/admin/pricing/actions"): Write(
        "/admin/pricing/actions", "token_pricing.create", NEW_PRICE
    ),
    ("POST", "/admin/pricing/actions/{key}"): Write(
        "/admin/pricing/actions/sms_send",
        "token_pricing.update",
        {"tokens_required": "12", "actual_cost_usd": "0.0075"},
    ),
    ("POST", "/admin/pricing/ai-costs"): Write(
        "/admin/pricing/ai-costs", "ai_cost.create", {**NEW_COST, "tokens_per_unit": "1"}
    ),
    ("POST", "/admin/pricing/ai-costs/{key}"): Write(
        "/admin/pricing/ai-costs/{ai_cost}",
        "ai_cost.update",
        {"cost_per_unit": "0.0075", "markup_percentage": "31", "tokens_per_unit": "1"},
    ),
    ("POST", "/admin/maintenance/run"): Write(
        "/admin/maintenance/run", "maintenance.run_now", {"job": "maintenance.heartbeat"}
    ),
    ("POST", "/admin/indicators"): Write(
        "/admin/indicators", "intent_indicator.update", {"weight_tax_lien": "77"}
    ),
    ("POST", "/admin/indicators/new"): Write(
        "/admin/indicators/new",
        "intent_indicator.create",
        {"indicator_name": "heirship", "intent_type": "distressed_property", "weight": "5"},
    ),
    ("POST", "/admin/scores/refresh"): Write("/admin/scores/refresh", "scoring.refresh"),
    ("POST", "/admin/dnc"): Write("/admin/dnc", "dnc.import", upload=DNC_SAMPLE),
    ("POST", "/admin/dnc/opt-outs"): Write(
        "/admin/dnc/opt-outs", "opt_out.create", {"contact": "3055550142", "channel": "all"}
    ),
    ("POST", "/admin/verification/{user_id}/approve"): Write(
        "/admin/verification/{user}/approve", "verification.approve", before=PENDING_VERIFICATION
    ),
    ("POST", "/admin/verification/{user_id}/reject"): Write(
        "/admin/verification/{user}/reject",
        "verification.reject",
        {"reason": "The insurance document is unreadable."},
        before=PENDING_VERIFICATION,
    ),
    ("POST", "/admin/reviews/{review_id}/hide"): Write(
        "/admin/reviews/{review}/hide", "review.hide", {"reason": "Insults"}
    ),
}

API = "/api/v1/admin"
APIS: dict[tuple[str, str], Write] = {
    ("POST", f"{API}/plans"): Write(f"{API}/plans", "plan.create", NEW_PLAN),
    ("PATCH", f"{API}/plans/{{key}}"): Write(
        f"{API}/plans/{{plan}}", "plan.update", {"monthly_price": "59.00"}
    ),
    ("POST", f"{API}/plans/{{key}}/deactivate"): Write(
        f"{API}/plans/{{plan}}/deactivate", "plan.deactivate"
    ),
    ("POST", f"{API}/plans/{{key}}/activate"): Write(
        f"{API}/plans/{{plan}}/activate", "plan.activate", before=INACTIVE_PLAN
    ),
    ("POST", f"{API}/bundles"): Write(f"{API}/bundles", "bundle.create", NEW_BUNDLE),
    ("PATCH", f"{API}/bundles/{{key}}"): Write(
        f"{API}/bundles/{{bundle}}", "bundle.update", {"price": "9.00"}
    ),
    ("POST", f"{API}/bundles/{{key}}/deactivate"): Write(
        f"{API}/bundles/{{bundle}}/deactivate", "bundle.deactivate"
    ),
    ("POST", f"{API}/bundles/{{key}}/activate"): Write(
        f"{API}/bundles/{{bundle}}/activate", "bundle.activate", before=INACTIVE_BUNDLE
    ),
    ("POST", f"{API}/token-pricing"): Write(
        f"{API}/token-pricing", "token_pricing.create", NEW_PRICE
    ),
    ("PATCH", f"{API}/token-pricing/{{key}}"): Write(
        f"{API}/token-pricing/sms_send", "token_pricing.update", {"tokens_required": 12}
    ),
    ("POST", f"{API}/ai-costs"): Write(f"{API}/ai-costs", "ai_cost.create", NEW_COST),
    ("PATCH", f"{API}/ai-costs/{{key}}"): Write(
        f"{API}/ai-costs/{{ai_cost}}", "ai_cost.update", {"markup_percentage": "31"}
    ),
    ("PATCH", f"{API}/indicators"): Write(
        f"{API}/indicators", "intent_indicator.update", {"weights": {"tax_lien": 77}}
    ),
    ("POST", f"{API}/indicators"): Write(
        f"{API}/indicators",
        "intent_indicator.create",
        {"indicator_name": "heirship", "intent_type": "distressed_property", "weight": 5},
    ),
    ("POST", f"{API}/scores/refresh"): Write(f"{API}/scores/refresh", "scoring.refresh"),
    ("POST", f"{API}/users/{{user_id}}/tokens"): Write(
        f"{API}/users/{{user}}/tokens", "tokens.grant", {"action": "grant", "tokens": 10, **REASON}
    ),
    ("POST", f"{API}/users/{{user_id}}/suspend"): Write(
        f"{API}/users/{{user}}/suspend", "user.suspend", REASON
    ),
    ("POST", f"{API}/users/{{user_id}}/reactivate"): Write(
        f"{API}/users/{{user}}/reactivate", "user.reactivate", REASON, before=SUSPENDED
    ),
}


def _routes(routes: Iterable[Any]) -> Iterator[Any]:
    """Every route, inside included routers too (FastAPI keeps those as branches that hold
    their ``original_router``)."""
    for route in routes:
        branch = getattr(route, "original_router", None)
        yield from _routes(branch.routes) if branch is not None else [route]


def admin_write_routes() -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in _routes(create_app().routes)
        if route.path.startswith(("/admin/", f"{API}/"))
        for method in (getattr(route, "methods", None) or set()) & WRITE_METHODS
    }


def test_every_admin_write_route_has_a_case() -> None:
    assert admin_write_routes() == set(PAGES) | set(APIS)
    actions = {write.action for write in [*PAGES.values(), *APIS.values()]}
    assert actions <= set(ACTION_LABELS), "the audit page names every action"


@pytest.fixture
async def targets(db: AsyncSession) -> dict[str, str]:
    """The rows the cases change: a plan, a bundle, a provider cost, a subscriber, a review of
    that subscriber."""
    found = (
        await db.execute(
            text(
                "SELECT (SELECT plan_id FROM subscription_plans WHERE plan_name = 'contractor'), "
                "(SELECT bundle_id FROM token_bundles WHERE bundle_name = '10000 Credits'), "
                "(SELECT config_id FROM ai_cost_config WHERE service_name = 'twilio_sms')"
            )
        )
    ).one()
    user = await make_subscriber(db)
    review = await db.scalar(
        text(
            "INSERT INTO contractor_reviews (contractor_id, rating) VALUES (:u, 1) "
            "RETURNING review_id"
        ),
        {"u": user.user_id},
    )
    return {
        "plan": found[0],
        "bundle": found[1],
        "ai_cost": found[2],
        "user": user.user_id,
        "review": review,
    }


async def _entries(db: AsyncSession, action: str) -> list[Any]:
    rows = await db.execute(
        text("SELECT admin_user_id FROM admin_audit_logs WHERE action = :a"), {"a": action}
    )
    return list(rows.scalars())


async def _prepare(db: AsyncSession, write: Write, targets: dict[str, str]) -> str:
    if write.before:
        await db.execute(text(write.before), targets)
    return write.url.format(**targets)


@pytest.mark.parametrize("route", sorted(PAGES), ids=" ".join)
async def test_each_admin_page_write_is_audited(
    db: AsyncSession,
    client: httpx.AsyncClient,
    targets: dict[str, str],
    route: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write = PAGES[route]
    monkeypatch.setattr("propintel.admin.pages.upload_store", lambda: LocalFileStore(tmp_path))
    admin = await make_user(db, UserType.ADMIN)
    await log_in_browser(client, admin)
    url = await _prepare(db, write, targets)
    form = {**write.body, "csrf_token": csrf_of(client)}
    files = (
        {"file": (write.upload, (FIXTURES / write.upload).read_bytes())} if write.upload else None
    )
    response = await client.post(url, data=form, files=files)
    assert response.status_code == 303, response.text
    assert await _entries(db, write.action) == [admin.user_id]


@pytest.mark.parametrize("route", sorted(APIS), ids=" ".join)
async def test_each_admin_api_write_is_audited(
    db: AsyncSession, client: httpx.AsyncClient, targets: dict[str, str], route: tuple[str, str]
) -> None:
    write = APIS[route]
    admin = await make_user(db, UserType.ADMIN)
    headers = await bearer_for(client, admin)
    url = await _prepare(db, write, targets)
    response = await client.request(route[0], url, json=write.body or None, headers=headers)
    assert response.status_code < 300, response.text
    assert await _entries(db, write.action) == [admin.user_id]
