"""Owner contact unlock (skip trace): a subscriber pays ``contact_enrichment`` credits to see the
phones and e-mails of a property's owner (docs/outreach/unlock.md).

Rules:
- The plan must include ``contact_unlock`` and the property must be among the plan's leads.
- A result is stored once per property (``property_contacts``) and is fresh for
  ``contact_freshness_days``. Each subscriber sees it only after unlocking it (``contact_unlocks``).
- Already unlocked by this subscriber and fresh: nothing is charged, no provider call is made.
- A fresh result on record (another subscriber paid for the call): the same price is charged on a
  match, and no provider call is made (the usage row's actual cost is 0: nothing was spent).
- Otherwise the provider is called (≤100 requests per call, never retried) and the result stored;
  a match is charged, with the provider's cost when it reports one (else ``ai_cost_config``'s,
  else the price list's). No match is stored and never charged.
- A provider failure or timeout charges nothing and stores nothing.
- In a batch, charging stops at the first refusal of the ledger (not enough credits, the daily
  limit): the rest is reported as not unlocked. Before each provider call the batch asks only as
  many lookups as the balance could still pay for, so no paid lookup goes to waste.
Services flush, never commit; ``now`` is naive New York time.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.config import Settings
from propintel.integrations.skiptrace import SkipTracer
from propintel.kit.errors import Invalid, NotFound
from propintel.kit.i18n import _
from propintel.leads import service as leads
from propintel.outreach.unlock_batch import UnlockBatch
from propintel.outreach.unlock_models import (
    ACTION,
    FEATURE,
    MAX_BATCH,
    NO_MATCH,
    PROVIDER_FAILED,
    STATUS_LABELS,
    ContactPhone,
    ContactView,
    LeadUnlock,
    OwnerContact,
    ProviderUnavailable,
    UnlockOutcome,
    UnlockQuote,
    UnlockReport,
    UnlockStatus,
    status_label,
)
from propintel.outreach.unlock_repository import UnlockRepository
from propintel.search import service as search
from propintel.tokens import service as tokens
from propintel.tokens.errors import AccountSuspended, EmailNotVerified, UnknownAction


# --- the unlock -----------------------------------------------------------------------------------
def _check_batch(ids: Sequence[uuid.UUID], field_name: str) -> list[uuid.UUID]:
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise Invalid(_("Choose at least one property."), field=field_name)
    if len(unique) > MAX_BATCH:
        raise Invalid(
            _("At most {max} properties can be unlocked at once.").format(max=MAX_BATCH),
            field=field_name,
        )
    return unique


async def _price(session: AsyncSession) -> int:
    price = await catalog.action_price(session, ACTION)
    if price is None:
        raise UnknownAction(ACTION)
    return price.tokens_required


async def _covered(
    session: AsyncSession, user: User, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, bool]:
    """Each property with whether the user's plan covers it; an unknown one is a 404."""
    scope = await search.scope_for(session, user)
    covered = await search.properties_in_scope(session, scope, ids)
    if any(pid not in covered for pid in ids):
        raise NotFound(_("There is no such property."))
    return covered


def _check_can_spend(user: User) -> None:
    """Refuse before anything happens (no provider call is made for an account that cannot pay);
    the ledger checks again at each charge."""
    if user.suspended_at is not None:
        raise AccountSuspended()
    if not user.email_verified:
        raise EmailNotVerified()


async def unlock(
    session: AsyncSession,
    user: User,
    property_ids: Sequence[uuid.UUID],
    *,
    tracer: SkipTracer,
    now: datetime,
    settings: Settings,
) -> UnlockReport:
    """Unlock the owner contact of 1..500 properties for ``user`` (the rules: module doc). A
    property outside the plan is reported, not refused; an unknown one refuses the whole batch."""
    await catalog.require_feature(session, user, FEATURE)
    ids = _check_batch(property_ids, "property_ids")
    covered = await _covered(session, user, ids)
    _check_can_spend(user)
    return await UnlockBatch(session, user, tracer, now, settings, await _price(session)).run(
        ids, covered
    )


# --- one property, a lead, a selection of leads ---------------------------------------------------
async def unlock_property(
    session: AsyncSession,
    user: User,
    property_id: uuid.UUID,
    *,
    tracer: SkipTracer,
    now: datetime,
    settings: Settings,
) -> UnlockOutcome:
    """Unlock one property: a property outside the plan is refused with the plan's message, a
    ledger refusal (402/409/403) and a provider failure (503) are raised."""
    await catalog.require_feature(session, user, FEATURE)
    scope = await search.scope_for(session, user)
    await search.property_in_scope(session, user, scope, property_id)
    report = await unlock(session, user, [property_id], tracer=tracer, now=now, settings=settings)
    outcome = report.outcomes[0]
    if outcome.status == UnlockStatus.REFUSED and report.refusal is not None:
        raise report.refusal
    if outcome.status == UnlockStatus.FAILED:
        raise ProviderUnavailable(_(PROVIDER_FAILED))
    return outcome


async def lead_properties(
    session: AsyncSession, user: User, lead_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """The property of each of the user's ``lead_ids``, in their order; one that is not the
    user's lead refuses the whole selection (404, like any other lead of someone else)."""
    ids = _check_batch(lead_ids, "lead_ids")
    found = await leads.properties_of_leads(session, user.user_id, ids)
    if len(found) != len(ids):
        raise leads.LeadNotFound()
    return {lead_id: found[lead_id] for lead_id in ids}


async def unlock_leads(
    session: AsyncSession,
    user: User,
    lead_ids: Sequence[uuid.UUID],
    *,
    tracer: SkipTracer,
    now: datetime,
    settings: Settings,
) -> tuple[UnlockReport, list[LeadUnlock]]:
    """Unlock the owners of selected leads (the batch rules of ``unlock``)."""
    properties = await lead_properties(session, user, lead_ids)
    report = await unlock(
        session, user, list(properties.values()), tracer=tracer, now=now, settings=settings
    )
    return report, [LeadUnlock(lead, report.of(prop)) for lead, prop in properties.items()]


async def unlock_quote(
    session: AsyncSession,
    user: User,
    property_ids: Sequence[uuid.UUID],
    *,
    now: datetime,
    settings: Settings,
) -> UnlockQuote:
    """What unlocking ``property_ids`` would charge at most: every property not already
    unlocked (and fresh) nor known to have no match, at the price of one match each."""
    await catalog.require_feature(session, user, FEATURE)
    ids = _check_batch(property_ids, "property_ids")
    covered = await _covered(session, user, ids)
    states = await UnlockRepository.from_session(session).states(user.user_id, ids)
    fresh_since = now - timedelta(days=settings.contact_freshness_days)
    already = no_match = outside = 0
    for pid in ids:
        contact = states[pid].contact
        fresh = contact is not None and contact.enriched_at > fresh_since
        if not covered[pid]:
            outside += 1
        elif fresh and states[pid].unlocked_at is not None:
            already += 1
        elif fresh and contact is not None and not contact.matched:
            no_match += 1
    summary = await tokens.balance_summary(session, user.user_id, now=now)
    return UnlockQuote(
        selected=len(ids),
        already_unlocked=already,
        known_no_match=no_match,
        outside_plan=outside,
        chargeable=len(ids) - already - no_match - outside,
        price=await _price(session),
        balance=summary.balance,
    )


async def quote_leads(
    session: AsyncSession,
    user: User,
    lead_ids: Sequence[uuid.UUID],
    *,
    now: datetime,
    settings: Settings,
) -> UnlockQuote:
    properties = await lead_properties(session, user, lead_ids)
    return await unlock_quote(session, user, list(properties.values()), now=now, settings=settings)


async def unlock_price(session: AsyncSession) -> int:
    """Credits charged per matched unlock (the price list's ``contact_enrichment``)."""
    return await _price(session)


# --- reading an unlocked contact ------------------------------------------------------------------
async def unlocked_contact(
    session: AsyncSession, user: User, property_id: uuid.UUID
) -> OwnerContact | None:
    """The owner contact of a property as ``user`` unlocked it; None unless THIS user unlocked
    it. SMS and e-mail take the owner's numbers and addresses from here."""
    row = await UnlockRepository.from_session(session).unlocked(user.user_id, property_id)
    if row is None:
        return None
    return OwnerContact.of(property_id, row.contact, row.unlocked_at)


async def contact_view(
    session: AsyncSession, user: User, property_id: uuid.UUID, *, now: datetime, settings: Settings
) -> ContactView:
    """The contact (or what unlocking it costs) of one property, for the lead's outreach page
    and the property's contact page; a plan without the feature gets its upgrade message."""
    contact = await unlocked_contact(session, user, property_id)
    days = settings.contact_freshness_days
    message = None
    try:
        await catalog.require_feature(session, user, FEATURE)
    except catalog.FeatureNotInPlan as refusal:
        message = refusal.message
    return ContactView(
        contact=contact,
        price=await _price(session),
        freshness_days=days,
        stale=contact is not None and contact.stale(now, days),
        feature_message=message,
    )


__all__ = [
    "ACTION",
    "FEATURE",
    "MAX_BATCH",
    "NO_MATCH",
    "PROVIDER_FAILED",
    "STATUS_LABELS",
    "ContactPhone",
    "ContactView",
    "LeadUnlock",
    "OwnerContact",
    "ProviderUnavailable",
    "UnlockOutcome",
    "UnlockQuote",
    "UnlockReport",
    "UnlockStatus",
    "contact_view",
    "lead_properties",
    "quote_leads",
    "status_label",
    "unlock",
    "unlock_leads",
    "unlock_price",
    "unlock_property",
    "unlock_quote",
    "unlocked_contact",
]
