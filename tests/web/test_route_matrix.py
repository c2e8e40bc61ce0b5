"""Every route of the app x every kind of caller, with the answer each must get.

``EXPECTED`` holds one rule per (method, path): who the guard lets through and who is refused,
plus what the plan and tenancy checks inside add (a no-plan subscriber is refused property
intelligence; another subscriber's lead is not found). A route missing from ``EXPECTED`` fails the
test, so a new route is reviewed here before it ships. Path parameters are filled with rows the
``tenant`` subscriber owns (its lead, its saved search), a distressed property, a bystander user
for admin actions, and fresh random ids elsewhere; requests carry no body (the guard answers
before the body is read, and a body-less write is refused as invalid after it).

Classes of answer:
  ``login``  — 401, or a redirect to the log-in page (pages); a page's form posted without
               a session is refused by the CSRF check (403) before its guard is reached;
  ``no``     — 403;
  ``hidden`` — 404 or 403 (someone else's row: never its content), or 422 for a write whose
               missing body is refused before any row is read (a page's form: a redirect
               back with the error as a flash message);
  ``yes``    — let through: neither 401 nor 403, and no 5xx (404 for a random id, 422 for a
               missing body are fine);
  ``any``    — anything but 5xx (public routes).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import Mount

from propintel.auth.models import Plan, SessionKind, User, UserType
from propintel.auth.service import open_session
from propintel.config import get_settings
from propintel.saved_searches.models import AlertFrequency
from propintel.saved_searches.service import create_search
from propintel.search.criteria import SearchCriteria
from tests.factories import make_user, saved_lead, scored_property

PERSONAS = (
    "anonymous",
    "homeowner",
    "no_plan",
    "contractor",
    "investor",
    "full",
    "tenant",
    "admin",
)
SUBSCRIBERS = frozenset({"no_plan", "contractor", "investor", "full", "tenant"})
OTHER_SUBSCRIBERS = SUBSCRIBERS - {"tenant"}
ROLES = {
    "homeowner": frozenset({"homeowner"}),
    "subscriber": SUBSCRIBERS,
    "admin": frozenset({"admin"}),
}
USERS = frozenset(PERSONAS) - {"anonymous"}


@dataclass(frozen=True)
class Rule:
    """Who a route lets through (``allowed``; None: public), and the exceptions inside it."""

    allowed: frozenset[str] | None
    no: frozenset[str] = frozenset()  # let through by the guard, refused inside (plan)
    hidden: frozenset[str] = frozenset()  # let through by the guard, another's row
    notes: str = field(default="", compare=False)

    def expect(self, persona: str) -> str:
        if self.allowed is None:
            return "any"
        if persona == "anonymous":
            return "login"
        if persona not in self.allowed:
            return "no"
        if persona in self.no:
            return "no"
        if persona in self.hidden:
            return "hidden"
        return "yes"

    def but(
        self, *, no: frozenset[str] = frozenset(), hidden: frozenset[str] = frozenset()
    ) -> Rule:
        return Rule(self.allowed, self.no | no, self.hidden | hidden)


def guard(*roles: str) -> Rule:
    allowed = frozenset().union(*(ROLES[role] for role in roles)) if roles else USERS
    return Rule(frozenset(allowed))


PUBLIC = Rule(None)
ANY_USER = guard()
SUBSCRIBER = guard("subscriber")
HOMEOWNER = guard("homeowner")
ADMIN = guard("admin")
SUBSCRIBER_OR_ADMIN = guard("subscriber", "admin")
HOMEOWNER_OR_SUBSCRIBER = guard("homeowner", "subscriber")
# Plan gates met with the rows filled in below.
NO_PLAN = frozenset({"no_plan"})
# The filled-in property is distressed: a contractor's plan (new homeowners) does not include it.
NOT_DISTRESSED_PLAN = frozenset({"no_plan", "contractor"})
NOT_FULL_PLAN = frozenset({"no_plan", "contractor", "investor"})  # AI voice: the full plan
ADMINS = frozenset({"admin"})  # an admin's account is not erased from its own data page
# The filled-in lead and saved search are the tenant's: other subscribers must not find them.
OWNED = SUBSCRIBER.but(hidden=OTHER_SUBSCRIBERS)

# Property intelligence (a distressed property's facts and score explained): the plan decides.
PROPERTY_INTELLIGENCE = SUBSCRIBER_OR_ADMIN.but(no=NOT_DISTRESSED_PLAN)

# fmt: off
EXPECTED: dict[tuple[str, str], Rule] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/account/crm"): SUBSCRIBER,
    ("POST", "/account/crm"): SUBSCRIBER,
    ("GET", "/account/crm/disconnect"): SUBSCRIBER,
    ("POST", "/account/crm/disconnect"): SUBSCRIBER,
    ("GET", "/account/data"): ANY_USER,
    ("POST", "/account/data/delete"): ANY_USER.but(no=ADMINS),
    ("GET", "/account/data/export"): ANY_USER,
    ("GET", "/account/deleted"): PUBLIC,
    ("GET", "/account/security"): ANY_USER,
    ("POST", "/account/security/api-keys"): ANY_USER,
    ("POST", "/account/security/api-keys/{session_id}/revoke"): ANY_USER,
    ("POST", "/account/security/email"): ANY_USER,
    ("POST", "/account/security/language"): ANY_USER,
    ("POST", "/account/security/password"): ANY_USER,
    ("POST", "/account/security/sessions/revoke-others"): ANY_USER,
    ("POST", "/account/security/sessions/{session_id}/revoke"): ANY_USER,
    ("POST", "/account/verification/resend"): ANY_USER,
    ("GET", "/admin/audit"): ADMIN,
    ("GET", "/admin/bundles"): ADMIN,
    ("POST", "/admin/bundles"): ADMIN,
    ("GET", "/admin/bundles/{key}"): ADMIN,
    ("POST", "/admin/bundles/{key}"): ADMIN,
    ("POST", "/admin/bundles/{key}/activate"): ADMIN,
    ("GET", "/admin/bundles/{key}/deactivate"): ADMIN,
    ("POST", "/admin/bundles/{key}/deactivate"): ADMIN,
    ("GET", "/admin/dnc"): ADMIN,
    ("POST", "/admin/dnc"): ADMIN,
    ("POST", "/admin/dnc/opt-outs"): ADMIN,
    ("GET", "/admin/economics"): ADMIN,
    ("GET", "/admin/imports"): ADMIN,
    ("POST", "/admin/imports"): ADMIN,
    ("GET", "/admin/imports/{run_id}"): ADMIN,
    ("GET", "/admin/indicators"): ADMIN,
    ("POST", "/admin/indicators"): ADMIN,
    ("POST", "/admin/indicators/new"): ADMIN,
    ("GET", "/admin/maintenance"): ADMIN,
    ("GET", "/admin/maintenance/database"): ADMIN,
    ("POST", "/admin/maintenance/run"): ADMIN,
    ("GET", "/admin/plans"): ADMIN,
    ("POST", "/admin/plans"): ADMIN,
    ("GET", "/admin/plans/{key}"): ADMIN,
    ("POST", "/admin/plans/{key}"): ADMIN,
    ("POST", "/admin/plans/{key}/activate"): ADMIN,
    ("GET", "/admin/plans/{key}/deactivate"): ADMIN,
    ("POST", "/admin/plans/{key}/deactivate"): ADMIN,
    ("GET", "/admin/pricing"): ADMIN,
    ("POST", "/admin/pricing/actions"): ADMIN,
    ("GET", "/admin/pricing/actions/{key}"): ADMIN,
    ("POST", "/admin/pricing/actions/{key}"): ADMIN,
    ("POST", "/admin/pricing/ai-costs"): ADMIN,
    ("GET", "/admin/pricing/ai-costs/{key}"): ADMIN,
    ("POST", "/admin/pricing/ai-costs/{key}"): ADMIN,
    ("GET", "/admin/reviews"): ADMIN,
    ("POST", "/admin/reviews/{review_id}/hide"): ADMIN,
    ("POST", "/admin/scores/refresh"): ADMIN,
    ("GET", "/admin/system"): ADMIN,
    ("GET", "/admin/users"): ADMIN,
    ("GET", "/admin/users/{user_id}"): ADMIN,
    ("POST", "/admin/users/{user_id}/tokens"): ADMIN,
    ("GET", "/admin/users/{user_id}/{verb}"): ADMIN,
    ("POST", "/admin/users/{user_id}/{verb}"): ADMIN,
    ("GET", "/admin/verification"): ADMIN,
    ("GET", "/admin/verification/{user_id}"): ADMIN,
    ("POST", "/admin/verification/{user_id}/approve"): ADMIN,
    ("GET", "/admin/verification/{user_id}/documents/{kind}/{index}"): ADMIN,
    ("POST", "/admin/verification/{user_id}/reject"): ADMIN,
    ("GET", "/api/docs"): PUBLIC,
    ("GET", "/api/openapi.json"): PUBLIC,
    ("GET", "/api/redoc"): PUBLIC,
    ("DELETE", "/api/v1/account"): ANY_USER,
    ("POST", "/api/v1/account/api-keys"): ANY_USER,
    ("DELETE", "/api/v1/account/api-keys/{session_id}"): ANY_USER,
    ("POST", "/api/v1/account/email"): ANY_USER,
    ("GET", "/api/v1/account/export"): ANY_USER,
    ("POST", "/api/v1/account/password"): ANY_USER,
    ("GET", "/api/v1/account/sessions"): ANY_USER,
    ("DELETE", "/api/v1/account/sessions/{session_id}"): ANY_USER,
    ("GET", "/api/v1/admin/ai-costs"): ADMIN,
    ("POST", "/api/v1/admin/ai-costs"): ADMIN,
    ("PATCH", "/api/v1/admin/ai-costs/{key}"): ADMIN,
    ("GET", "/api/v1/admin/audit"): ADMIN,
    ("GET", "/api/v1/admin/bundles"): ADMIN,
    ("POST", "/api/v1/admin/bundles"): ADMIN,
    ("PATCH", "/api/v1/admin/bundles/{key}"): ADMIN,
    ("POST", "/api/v1/admin/bundles/{key}/activate"): ADMIN,
    ("POST", "/api/v1/admin/bundles/{key}/deactivate"): ADMIN,
    ("GET", "/api/v1/admin/economics"): ADMIN,
    ("GET", "/api/v1/admin/indicators"): ADMIN,
    ("PATCH", "/api/v1/admin/indicators"): ADMIN,
    ("POST", "/api/v1/admin/indicators"): ADMIN,
    ("GET", "/api/v1/admin/plans"): ADMIN,
    ("POST", "/api/v1/admin/plans"): ADMIN,
    ("PATCH", "/api/v1/admin/plans/{key}"): ADMIN,
    ("POST", "/api/v1/admin/plans/{key}/activate"): ADMIN,
    ("POST", "/api/v1/admin/plans/{key}/deactivate"): ADMIN,
    ("POST", "/api/v1/admin/scores/refresh"): ADMIN,
    ("GET", "/api/v1/admin/summary"): ADMIN,
    ("GET", "/api/v1/admin/token-pricing"): ADMIN,
    ("POST", "/api/v1/admin/token-pricing"): ADMIN,
    ("PATCH", "/api/v1/admin/token-pricing/{key}"): ADMIN,
    ("GET", "/api/v1/admin/users"): ADMIN,
    ("GET", "/api/v1/admin/users/{user_id}"): ADMIN,
    ("GET", "/api/v1/admin/users/{user_id}/ledger"): ADMIN,
    ("POST", "/api/v1/admin/users/{user_id}/reactivate"): ADMIN,
    ("POST", "/api/v1/admin/users/{user_id}/suspend"): ADMIN,
    ("POST", "/api/v1/admin/users/{user_id}/tokens"): ADMIN,
    ("POST", "/api/v1/assistant/chat"): SUBSCRIBER,
    ("GET", "/api/v1/assistant/conversations"): SUBSCRIBER.but(no=NO_PLAN),
    ("DELETE", "/api/v1/assistant/conversations/{conversation_id}"): SUBSCRIBER,
    ("GET", "/api/v1/assistant/conversations/{conversation_id}"): SUBSCRIBER.but(no=NO_PLAN),
    ("GET", "/api/v1/assistant/knowledge"): SUBSCRIBER,
    ("POST", "/api/v1/assistant/knowledge"): SUBSCRIBER,
    ("DELETE", "/api/v1/assistant/knowledge/{kb_id}"): SUBSCRIBER,
    ("GET", "/api/v1/assistant/knowledge/{kb_id}"): SUBSCRIBER,
    ("PATCH", "/api/v1/assistant/knowledge/{kb_id}"): SUBSCRIBER,
    ("POST", "/api/v1/assistant/messages/{message_id}/script"): SUBSCRIBER,
    ("GET", "/api/v1/assistant/scripts"): SUBSCRIBER,
    ("POST", "/api/v1/assistant/scripts"): SUBSCRIBER,
    ("DELETE", "/api/v1/assistant/scripts/{script_id}"): SUBSCRIBER,
    ("GET", "/api/v1/assistant/scripts/{script_id}"): SUBSCRIBER,
    ("PATCH", "/api/v1/assistant/scripts/{script_id}"): SUBSCRIBER,
    ("GET", "/api/v1/assistant/search"): SUBSCRIBER,
    ("GET", "/api/v1/assistant/templates"): SUBSCRIBER,
    ("POST", "/api/v1/assistant/templates"): SUBSCRIBER,
    ("DELETE", "/api/v1/assistant/templates/{template_id}"): SUBSCRIBER,
    ("GET", "/api/v1/assistant/templates/{template_id}"): SUBSCRIBER,
    ("PATCH", "/api/v1/assistant/templates/{template_id}"): SUBSCRIBER,
    ("POST", "/api/v1/auth/logout"): ANY_USER,
    ("POST", "/api/v1/auth/password/forgot"): PUBLIC,
    ("POST", "/api/v1/auth/password/reset"): PUBLIC,
    ("POST", "/api/v1/auth/signup"): PUBLIC,
    ("POST", "/api/v1/auth/token"): PUBLIC,
    ("POST", "/api/v1/auth/verification/resend"): ANY_USER,
    ("POST", "/api/v1/auth/verify-email"): PUBLIC,
    ("GET", "/api/v1/billing"): SUBSCRIBER,
    ("POST", "/api/v1/billing/cancel"): SUBSCRIBER,
    ("POST", "/api/v1/billing/checkout"): SUBSCRIBER,
    ("POST", "/api/v1/billing/plan"): SUBSCRIBER,
    ("DELETE", "/api/v1/crm/connection"): SUBSCRIBER,
    ("GET", "/api/v1/crm/connection"): SUBSCRIBER,
    ("PUT", "/api/v1/crm/connection"): SUBSCRIBER,
    ("GET", "/api/v1/crm/contacts.csv"): SUBSCRIBER,
    ("POST", "/api/v1/crm/push"): SUBSCRIBER,
    ("GET", "/api/v1/jobs"): HOMEOWNER,
    ("POST", "/api/v1/jobs"): HOMEOWNER,
    ("GET", "/api/v1/jobs/{job_id}"): HOMEOWNER,
    ("PATCH", "/api/v1/jobs/{job_id}"): HOMEOWNER,
    ("GET", "/api/v1/jobs/{job_id}/bids"): HOMEOWNER,
    ("POST", "/api/v1/jobs/{job_id}/bids/{bid_id}/accept"): HOMEOWNER,
    ("POST", "/api/v1/jobs/{job_id}/cancel"): HOMEOWNER,
    ("POST", "/api/v1/jobs/{job_id}/complete"): HOMEOWNER,
    ("GET", "/api/v1/leads"): SUBSCRIBER,
    ("POST", "/api/v1/leads"): SUBSCRIBER,
    ("POST", "/api/v1/leads/bulk"): SUBSCRIBER,
    ("POST", "/api/v1/leads/unlock"): SUBSCRIBER,
    ("GET", "/api/v1/leads/unlock/quote"): SUBSCRIBER,
    ("DELETE", "/api/v1/leads/{lead_id}"): OWNED,
    ("GET", "/api/v1/leads/{lead_id}"): OWNED,
    ("PATCH", "/api/v1/leads/{lead_id}"): OWNED,
    ("POST", "/api/v1/leads/{lead_id}/contacts"): OWNED,
    ("GET", "/api/v1/leads/{lead_id}/crm"): OWNED,
    ("POST", "/api/v1/leads/{lead_id}/crm/retry"): OWNED,
    ("GET", "/api/v1/leads/{lead_id}/emails"): OWNED,
    ("POST", "/api/v1/leads/{lead_id}/emails"): OWNED,
    ("POST", "/api/v1/leads/{lead_id}/notes"): OWNED,
    ("GET", "/api/v1/leads/{lead_id}/sequences"): OWNED,
    ("POST", "/api/v1/leads/{lead_id}/sequences"): OWNED,
    ("GET", "/api/v1/leads/{lead_id}/sms"): OWNED,
    ("POST", "/api/v1/leads/{lead_id}/sms"): OWNED,
    ("POST", "/api/v1/leads/{lead_id}/sms/preview"): OWNED,
    ("PUT", "/api/v1/leads/{lead_id}/tags"): OWNED,
    ("GET", "/api/v1/leads/{lead_id}/tasks"): OWNED,
    ("POST", "/api/v1/leads/{lead_id}/tasks"): OWNED,
    ("DELETE", "/api/v1/leads/{lead_id}/tasks/{task_id}"): OWNED,
    ("PATCH", "/api/v1/leads/{lead_id}/tasks/{task_id}"): OWNED,
    ("POST", "/api/v1/marketplace/bids/{bid_id}/withdraw"): SUBSCRIBER,
    ("GET", "/api/v1/marketplace/jobs"): SUBSCRIBER,
    ("GET", "/api/v1/marketplace/jobs/{job_id}"): SUBSCRIBER,
    ("POST", "/api/v1/marketplace/jobs/{job_id}/bids"): SUBSCRIBER,
    ("GET", "/api/v1/marketplace/verification"): SUBSCRIBER,
    ("GET", "/api/v1/marketplace/verification/documents/{kind}/{index}"): SUBSCRIBER,
    ("POST", "/api/v1/marketplace/verification/submit"): SUBSCRIBER,
    ("GET", "/api/v1/me"): ANY_USER,
    ("POST", "/api/v1/outreach/check"): SUBSCRIBER,
    ("GET", "/api/v1/outreach/consents"): SUBSCRIBER,
    ("POST", "/api/v1/outreach/consents"): SUBSCRIBER,
    ("POST", "/api/v1/outreach/consents/{consent_id}/revoke"): SUBSCRIBER,
    ("GET", "/api/v1/outreach/opt-outs"): SUBSCRIBER,
    ("POST", "/api/v1/outreach/opt-outs"): SUBSCRIBER,
    ("GET", "/api/v1/profile"): HOMEOWNER_OR_SUBSCRIBER,
    ("PUT", "/api/v1/profile"): HOMEOWNER_OR_SUBSCRIBER,
    ("DELETE", "/api/v1/profile/logo"): SUBSCRIBER,
    ("POST", "/api/v1/profile/logo"): SUBSCRIBER,
    ("GET", "/api/v1/properties"): SUBSCRIBER_OR_ADMIN.but(no=NO_PLAN),
    ("GET", "/api/v1/properties/count"): SUBSCRIBER_OR_ADMIN.but(no=NO_PLAN),
    ("POST", "/api/v1/properties/count"): SUBSCRIBER_OR_ADMIN,
    ("GET", "/api/v1/properties/export.csv"): SUBSCRIBER_OR_ADMIN.but(no=NO_PLAN),
    ("POST", "/api/v1/properties/search"): SUBSCRIBER_OR_ADMIN,
    ("GET", "/api/v1/properties/{property_id}"): PROPERTY_INTELLIGENCE,
    ("GET", "/api/v1/properties/{property_id}/contact"): SUBSCRIBER,
    ("GET", "/api/v1/properties/{property_id}/score"): PROPERTY_INTELLIGENCE,
    ("POST", "/api/v1/properties/{property_id}/unlock"): SUBSCRIBER.but(no=NOT_DISTRESSED_PLAN),
    ("GET", "/api/v1/saved-searches"): SUBSCRIBER,
    ("POST", "/api/v1/saved-searches"): SUBSCRIBER,
    ("DELETE", "/api/v1/saved-searches/{search_id}"): OWNED,
    ("GET", "/api/v1/saved-searches/{search_id}"): OWNED,
    ("PATCH", "/api/v1/saved-searches/{search_id}"): OWNED,
    ("GET", "/api/v1/sequences/{sequence_id}"): SUBSCRIBER,
    ("POST", "/api/v1/sequences/{sequence_id}/pause"): SUBSCRIBER,
    ("POST", "/api/v1/sequences/{sequence_id}/resume"): SUBSCRIBER,
    ("POST", "/api/v1/sequences/{sequence_id}/stop"): SUBSCRIBER,
    ("GET", "/api/v1/tasks"): SUBSCRIBER,
    ("GET", "/api/v1/tokens/balance"): SUBSCRIBER,
    ("GET", "/api/v1/tokens/history"): SUBSCRIBER,
    ("GET", "/api/v1/tokens/preferences"): SUBSCRIBER,
    ("PUT", "/api/v1/tokens/preferences"): SUBSCRIBER,
    ("DELETE", "/api/v1/voice/calendar"): SUBSCRIBER,
    ("GET", "/api/v1/voice/calendar"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("GET", "/api/v1/voice/calendar/events"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("POST", "/api/v1/voice/calendar/local"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("GET", "/api/v1/voice/calls"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("POST", "/api/v1/voice/calls"): SUBSCRIBER,
    ("GET", "/api/v1/voice/calls/{call_id}"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("GET", "/api/v1/voice/numbers"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("POST", "/api/v1/voice/numbers"): SUBSCRIBER,
    ("GET", "/api/v1/voice/numbers/available"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("DELETE", "/api/v1/voice/numbers/{phone_id}"): SUBSCRIBER,
    ("PATCH", "/api/v1/voice/numbers/{phone_id}"): SUBSCRIBER,
    ("GET", "/assistant"): SUBSCRIBER,
    ("GET", "/assistant/chat"): SUBSCRIBER.but(no=NO_PLAN),
    ("POST", "/assistant/chat/ask"): SUBSCRIBER,
    ("POST", "/assistant/chat/messages/{message_id}/script"): SUBSCRIBER,
    ("GET", "/assistant/chat/{thread_id}"): SUBSCRIBER.but(no=NO_PLAN),
    ("GET", "/assistant/chat/{thread_id}/delete"): SUBSCRIBER,
    ("POST", "/assistant/chat/{thread_id}/delete"): SUBSCRIBER,
    ("GET", "/assistant/knowledge"): SUBSCRIBER,
    ("POST", "/assistant/knowledge"): SUBSCRIBER,
    ("GET", "/assistant/knowledge/new"): SUBSCRIBER,
    ("POST", "/assistant/knowledge/starters"): SUBSCRIBER,
    ("POST", "/assistant/knowledge/{kb_id}"): SUBSCRIBER,
    ("GET", "/assistant/knowledge/{kb_id}/delete"): SUBSCRIBER,
    ("POST", "/assistant/knowledge/{kb_id}/delete"): SUBSCRIBER,
    ("GET", "/assistant/knowledge/{kb_id}/edit"): SUBSCRIBER,
    ("GET", "/assistant/scripts"): SUBSCRIBER,
    ("POST", "/assistant/scripts"): SUBSCRIBER,
    ("GET", "/assistant/scripts/new"): SUBSCRIBER,
    ("POST", "/assistant/scripts/starters"): SUBSCRIBER,
    ("POST", "/assistant/scripts/{script_id}"): SUBSCRIBER,
    ("GET", "/assistant/scripts/{script_id}/delete"): SUBSCRIBER,
    ("POST", "/assistant/scripts/{script_id}/delete"): SUBSCRIBER,
    ("GET", "/assistant/scripts/{script_id}/edit"): SUBSCRIBER,
    ("GET", "/assistant/templates"): SUBSCRIBER,
    ("POST", "/assistant/templates"): SUBSCRIBER,
    ("GET", "/assistant/templates/new"): SUBSCRIBER,
    ("POST", "/assistant/templates/{template_id}"): SUBSCRIBER,
    ("GET", "/assistant/templates/{template_id}/delete"): SUBSCRIBER,
    ("POST", "/assistant/templates/{template_id}/delete"): SUBSCRIBER,
    ("GET", "/assistant/templates/{template_id}/edit"): SUBSCRIBER,
    ("POST", "/auth/firebase/session"): PUBLIC,
    ("GET", "/billing"): SUBSCRIBER,
    ("POST", "/billing/cancel"): SUBSCRIBER,
    ("GET", "/billing/credits"): SUBSCRIBER,
    ("POST", "/billing/credits/buy"): SUBSCRIBER,
    ("GET", "/billing/local-checkout/{session_id}"): SUBSCRIBER,
    ("POST", "/billing/local-checkout/{session_id}/cancel"): SUBSCRIBER,
    ("POST", "/billing/local-checkout/{session_id}/pay"): SUBSCRIBER,
    ("POST", "/billing/local-renew"): SUBSCRIBER,
    ("POST", "/billing/plan"): SUBSCRIBER,
    ("POST", "/billing/resume"): SUBSCRIBER,
    ("POST", "/billing/subscribe"): SUBSCRIBER,
    ("GET", "/calendar/feeds/{feed_file}"): PUBLIC,
    ("GET", "/contractors/{contractor_id}"): PUBLIC,
    ("GET", "/crm/push"): SUBSCRIBER,
    ("POST", "/crm/push"): SUBSCRIBER,
    ("GET", "/crm/simulator"): SUBSCRIBER,
    ("GET", "/dashboard"): ANY_USER,
    ("GET", "/favicon.ico"): PUBLIC,
    ("GET", "/forgot-password"): PUBLIC,
    ("POST", "/forgot-password"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/jobs"): HOMEOWNER,
    ("POST", "/jobs"): HOMEOWNER,
    ("GET", "/jobs/new"): HOMEOWNER,
    ("GET", "/jobs/{job_id}"): HOMEOWNER,
    ("POST", "/jobs/{job_id}"): HOMEOWNER,
    ("POST", "/jobs/{job_id}/bids/{bid_id}/accept"): HOMEOWNER,
    ("GET", "/jobs/{job_id}/cancel"): HOMEOWNER,
    ("POST", "/jobs/{job_id}/cancel"): HOMEOWNER,
    ("POST", "/jobs/{job_id}/complete"): HOMEOWNER,
    ("GET", "/jobs/{job_id}/edit"): HOMEOWNER,
    ("GET", "/jobs/{job_id}/photos/{index}"): HOMEOWNER,
    ("POST", "/jobs/{job_id}/review"): HOMEOWNER,
    ("GET", "/leads"): SUBSCRIBER,
    ("POST", "/leads"): SUBSCRIBER,
    ("POST", "/leads/bulk"): SUBSCRIBER,
    ("GET", "/leads/export/contacts.csv"): SUBSCRIBER,
    ("GET", "/leads/followups"): SUBSCRIBER,
    ("GET", "/leads/table"): SUBSCRIBER,
    ("GET", "/leads/unlock"): SUBSCRIBER,
    ("POST", "/leads/unlock"): SUBSCRIBER,
    ("GET", "/leads/{lead_id}"): OWNED,
    ("GET", "/leads/{lead_id}/calls"): OWNED,
    ("POST", "/leads/{lead_id}/calls"): OWNED,
    ("POST", "/leads/{lead_id}/contacts"): OWNED,
    ("POST", "/leads/{lead_id}/crm/push"): OWNED,
    ("POST", "/leads/{lead_id}/crm/retry"): OWNED,
    ("GET", "/leads/{lead_id}/delete"): OWNED,
    ("POST", "/leads/{lead_id}/delete"): OWNED,
    ("POST", "/leads/{lead_id}/email"): OWNED,
    ("POST", "/leads/{lead_id}/email/sequences"): OWNED,
    ("POST", "/leads/{lead_id}/email/sequences/{sequence_id}/{action}"): OWNED,
    ("POST", "/leads/{lead_id}/notes"): OWNED,
    ("GET", "/leads/{lead_id}/outreach"): OWNED,
    ("POST", "/leads/{lead_id}/outreach/consent"): OWNED,
    ("POST", "/leads/{lead_id}/sms"): OWNED,
    ("POST", "/leads/{lead_id}/sms/preview"): OWNED,
    ("POST", "/leads/{lead_id}/status"): OWNED,
    ("POST", "/leads/{lead_id}/tags"): OWNED,
    ("POST", "/leads/{lead_id}/tags/remove"): OWNED,
    ("POST", "/leads/{lead_id}/tasks"): OWNED,
    ("GET", "/leads/{lead_id}/tasks/{task_id}/delete"): OWNED,
    ("POST", "/leads/{lead_id}/tasks/{task_id}/delete"): OWNED,
    ("POST", "/leads/{lead_id}/tasks/{task_id}/done"): OWNED,
    ("POST", "/leads/{lead_id}/tasks/{task_id}/reopen"): OWNED,
    ("POST", "/leads/{lead_id}/unlock"): OWNED,
    ("POST", "/locale"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/marketplace"): SUBSCRIBER,
    ("POST", "/marketplace/bids/{bid_id}/withdraw"): SUBSCRIBER,
    ("GET", "/marketplace/jobs/{job_id}"): SUBSCRIBER,
    ("POST", "/marketplace/jobs/{job_id}/bid"): SUBSCRIBER,
    ("GET", "/marketplace/jobs/{job_id}/photos/{index}"): SUBSCRIBER,
    ("POST", "/marketplace/reviews/{review_id}/reply"): SUBSCRIBER,
    ("GET", "/marketplace/verification"): SUBSCRIBER,
    ("POST", "/marketplace/verification/details"): SUBSCRIBER,
    ("POST", "/marketplace/verification/documents"): SUBSCRIBER,
    ("GET", "/marketplace/verification/documents/{kind}/{index}"): SUBSCRIBER,
    ("GET", "/marketplace/verification/documents/{kind}/{index}/remove"): SUBSCRIBER,
    ("POST", "/marketplace/verification/documents/{kind}/{index}/remove"): SUBSCRIBER,
    ("POST", "/marketplace/verification/submit"): SUBSCRIBER,
    ("GET", "/media/{key:path}"): PUBLIC,
    # Prometheus: an admin, or the PROPINTEL_METRICS_TOKEN bearer (tests/web/test_metrics.py).
    ("GET", "/metrics"): ADMIN,
    ("GET", "/outbox"): ANY_USER,
    ("GET", "/outbox/{email_id}"): ANY_USER,
    ("POST", "/outbox/{email_id}/simulate"): ANY_USER,
    ("GET", "/outreach/consents"): SUBSCRIBER,
    ("POST", "/outreach/consents"): SUBSCRIBER,
    ("POST", "/outreach/consents/{consent_id}/revoke"): SUBSCRIBER,
    ("POST", "/outreach/opt-outs"): SUBSCRIBER,
    ("GET", "/profile"): HOMEOWNER_OR_SUBSCRIBER,
    ("POST", "/profile"): HOMEOWNER_OR_SUBSCRIBER,
    ("POST", "/profile/logo"): SUBSCRIBER,
    ("POST", "/profile/logo/delete"): SUBSCRIBER,
    ("GET", "/properties/{property_id}"): PROPERTY_INTELLIGENCE,
    ("GET", "/properties/{property_id}/contact"): SUBSCRIBER.but(no=NOT_DISTRESSED_PLAN),
    ("GET", "/properties/{property_id}/score"): PROPERTY_INTELLIGENCE,
    ("POST", "/properties/{property_id}/unlock"): SUBSCRIBER,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/reset-password"): PUBLIC,
    ("POST", "/reset-password"): PUBLIC,
    ("GET", "/saved-searches"): SUBSCRIBER,
    ("POST", "/saved-searches"): SUBSCRIBER,
    ("GET", "/saved-searches/new"): SUBSCRIBER,
    ("GET", "/saved-searches/{search_id}"): OWNED,
    ("POST", "/saved-searches/{search_id}"): OWNED,
    ("GET", "/saved-searches/{search_id}/delete"): OWNED,
    ("POST", "/saved-searches/{search_id}/delete"): OWNED,
    ("GET", "/search"): SUBSCRIBER_OR_ADMIN.but(no=NO_PLAN),
    ("GET", "/signup"): PUBLIC,
    ("POST", "/signup"): PUBLIC,
    ("GET", "/simulator/phone"): SUBSCRIBER,
    ("POST", "/simulator/phone/reply"): SUBSCRIBER,
    ("GET", "/tokens"): SUBSCRIBER,
    ("POST", "/tokens/preferences"): SUBSCRIBER,
    ("GET", "/unsubscribe/{token}"): PUBLIC,
    ("POST", "/unsubscribe/{token}"): PUBLIC,
    ("GET", "/verify-email"): PUBLIC,
    ("POST", "/verify-email"): PUBLIC,
    ("GET", "/voice/calendar"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("POST", "/voice/calendar/connect/{provider}"): SUBSCRIBER,
    ("GET", "/voice/calendar/disconnect"): SUBSCRIBER,
    ("POST", "/voice/calendar/disconnect"): SUBSCRIBER,
    ("POST", "/voice/calendar/local"): SUBSCRIBER,
    ("GET", "/voice/calendar/oauth/{provider}/callback"): SUBSCRIBER,
    ("GET", "/voice/calls"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("GET", "/voice/calls/{call_id}"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("GET", "/voice/numbers"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("POST", "/voice/numbers"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("GET", "/voice/numbers/search"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("POST", "/voice/numbers/{phone_id}/name"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("GET", "/voice/numbers/{phone_id}/release"): SUBSCRIBER,
    ("POST", "/voice/numbers/{phone_id}/release"): SUBSCRIBER,
    ("GET", "/voice/simulator"): SUBSCRIBER.but(no=NOT_FULL_PLAN),
    ("GET", "/voice/simulator/calls/{sid}"): SUBSCRIBER,
    ("POST", "/voice/simulator/calls/{sid}/answer"): SUBSCRIBER,
    ("POST", "/voice/simulator/calls/{sid}/hangup"): SUBSCRIBER,
    ("POST", "/voice/simulator/calls/{sid}/miss"): SUBSCRIBER,
    ("POST", "/voice/simulator/calls/{sid}/say"): SUBSCRIBER,
    ("POST", "/voice/simulator/dial"): SUBSCRIBER,
    ("POST", "/webhooks/sendgrid/events"): PUBLIC,
    ("POST", "/webhooks/sendgrid/inbound/{secret}"): PUBLIC,
    ("POST", "/webhooks/stripe"): PUBLIC,
    ("POST", "/webhooks/twilio/sms"): PUBLIC,
    ("POST", "/webhooks/twilio/sms-status"): PUBLIC,
    ("POST", "/webhooks/twilio/voice/answer"): PUBLIC,
    ("POST", "/webhooks/twilio/voice/gather"): PUBLIC,
    ("POST", "/webhooks/twilio/voice/inbound"): PUBLIC,
    ("POST", "/webhooks/twilio/voice/status"): PUBLIC,

}
# fmt: on


def _routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            continue
        if not isinstance(route.original_route, APIRoute):
            yield "GET", route.path  # the OpenAPI document
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                yield method, route.path


# Routes that erase the caller's account: each persona calls them as a throwaway user of its kind.
ERASES_THE_CALLER = frozenset({("DELETE", "/api/v1/account"), ("POST", "/account/data/delete")})
KINDS: dict[str, UserType | Plan] = {
    "homeowner": UserType.HOMEOWNER,
    "no_plan": Plan.NONE,
    "contractor": Plan.CONTRACTOR,
    "investor": Plan.INVESTOR,
    "full": Plan.FULL,
    "tenant": Plan.FULL,
    "admin": UserType.ADMIN,
}


async def _new(db: AsyncSession, kind: UserType | Plan) -> User:
    if isinstance(kind, Plan):
        return await make_user(db, plan=kind)
    return await make_user(db, kind)


async def _token(db: AsyncSession, user_id: uuid.UUID) -> str:
    # Loaded afresh: a refused write rolls back and expires what the session held.
    user = await db.get(User, user_id, populate_existing=True)
    assert user is not None
    opened = await open_session(db, get_settings(), user, SessionKind.API, name="matrix")
    return opened.secret


@dataclass
class World:
    people: dict[str, uuid.UUID]
    tokens: dict[str, str]  # for reads
    values: dict[str, str]


async def _world(db: AsyncSession) -> World:
    people = {name: await _new(db, kind) for name, kind in KINDS.items()}
    ids = {name: user.user_id for name, user in people.items()}
    bystander = await make_user(db, plan=Plan.FULL)
    tenant = people["tenant"]
    lead_id = await saved_lead(db, tenant)
    search = await create_search(
        db,
        tenant,
        "Mine",
        SearchCriteria.model_validate({"intent": "distressed"}),
        AlertFrequency.NONE,
        datetime(2026, 3, 10, 12, 0),
    )
    prop = await scored_property(db, distressed=60, breakdown={"foreclosure": 60})
    values = {
        "lead_id": str(lead_id),
        "search_id": str(search.search_id),
        "property_id": str(prop),
        "user_id": str(bystander.user_id),
    }
    tokens = {name: await _token(db, user_id) for name, user_id in ids.items()}
    return World(ids, tokens, values)


PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def _url(path: str, values: Mapping[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        if name.endswith("_id") or name in ("sid",):
            return str(uuid.uuid4())
        return "x"

    return PARAM.sub(fill, path)


def _answer_class(response: httpx.Response) -> str:
    status = response.status_code
    if status >= 500:
        return "5xx"
    if status == 401 or (
        300 <= status < 400 and response.headers.get("location", "").startswith("/login")
    ):
        return "login"
    if status == 403:
        return "no"
    if status == 404:
        return "404"
    return "yes"


def _meets(expected: str, got: str, status: int, page_write: bool) -> bool:
    if got == "5xx":
        return False
    if expected == "any":
        return True
    if expected == "login" and page_write:
        return got in ("login", "no")
    if expected == "hidden":
        return got in ("404", "no") or status == 422 or (page_write and 300 <= status < 400)
    if expected == "yes":
        return got in ("yes", "404")
    return expected == got


async def test_every_route_answers_every_kind_of_caller_as_the_table_says(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    from propintel.app import create_app

    app = create_app()
    # Reads first, then writes; the account erasures last.
    routes = sorted(
        set(_routes(app)),
        key=lambda r: (r in ERASES_THE_CALLER, r[0] not in ("GET", "HEAD"), r),
    )
    missing = [f"{m} {p}" for m, p in routes if (m, p) not in EXPECTED]
    world = await _world(db)
    mismatches = []
    for method, path in routes:
        rule = EXPECTED.get((method, path))
        url = _url(path, world.values)
        for persona in PERSONAS:
            headers = {"Accept": "application/json"} if path.startswith("/api/") else {}
            if persona in world.tokens and method == "GET":
                headers["Authorization"] = f"Bearer {world.tokens[persona]}"
            elif persona != "anonymous":
                # A fresh token for each write: it may log out or revoke the one it came with.
                user_id = world.people[persona]
                if (method, path) in ERASES_THE_CALLER:
                    user_id = (await _new(db, KINDS[persona])).user_id
                headers["Authorization"] = f"Bearer {await _token(db, user_id)}"
            response = await client.request(method, url, headers=headers)
            got = _answer_class(response)
            if rule is None:
                mismatches.append(f"{method} {path} {persona} -> {got} {response.status_code}")
                continue
            expected = rule.expect(persona)
            page_write = method != "GET" and not path.startswith("/api/")
            if not _meets(expected, got, response.status_code, page_write):
                mismatches.append(
                    f"{method} {path} as {persona}: expected {expected}, got "
                    f"{response.status_code} {response.text[:120]!r}"
                )
    assert not missing, "Routes without a rule in EXPECTED:\n  " + "\n  ".join(missing)
    assert not mismatches, "\n".join(mismatches)
