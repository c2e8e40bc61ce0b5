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

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.config import Settings
from propintel.integrations.skiptrace import (
    MAX_PER_CALL,
    SkipTraceError,
    SkipTracer,
    SkipTraceRequest,
    SkipTraceResult,
)
from propintel.kit.errors import Invalid, NotFound, ServiceUnavailable
from propintel.kit.i18n import N_, _
from propintel.leads import service as leads
from propintel.outreach.phones import display_phone, normalize_phone
from propintel.outreach.targets import owner_name_parts
from propintel.outreach.unlock_repository import PropertyState, StoredContact, UnlockRepository
from propintel.search import service as search
from propintel.tokens import service as tokens
from propintel.tokens.errors import (
    AccountSuspended,
    DailyLimitReached,
    EmailNotVerified,
    InsufficientTokens,
    TokenRefusal,
    UnknownAction,
)

ACTION = "contact_enrichment"
FEATURE = "contact_unlock"
MAX_BATCH = 500
STATE = "FL"  # every property of the roll is in Miami-Dade
PROVIDER_FAILED = N_(
    "The skip-trace provider did not answer; nothing was charged. Try again later."
)
NO_MATCH = N_("No owner contact was found for this property; nothing was charged.")


class ProviderUnavailable(ServiceUnavailable):
    """The skip-trace provider failed or timed out: nothing was charged or stored."""


class UnlockStatus(enum.StrEnum):
    UNLOCKED = "unlocked"  # charged now; the contact is shown
    ALREADY_UNLOCKED = "already_unlocked"  # unlocked before and still fresh: nothing charged
    NO_MATCH = "no_match"  # nothing found: nothing charged
    FAILED = "failed"  # the provider did not answer: nothing charged
    REFUSED = "refused"  # the ledger refused the charge (credits, daily limit): not unlocked
    OUTSIDE_PLAN = "outside_plan"  # not among the leads of the subscriber's plan


STATUS_LABELS: dict[UnlockStatus, str] = {
    UnlockStatus.UNLOCKED: N_("Unlocked"),
    UnlockStatus.ALREADY_UNLOCKED: N_("Already unlocked"),
    UnlockStatus.NO_MATCH: N_("No match"),
    UnlockStatus.FAILED: N_("Provider failed"),
    UnlockStatus.REFUSED: N_("Not enough credits"),
    UnlockStatus.OUTSIDE_PLAN: N_("Outside your plan"),
}


def status_label(status: str) -> str:
    return _(STATUS_LABELS[UnlockStatus(status)])


@dataclass(frozen=True)
class ContactPhone:
    number: str  # E.164
    type: str  # mobile | landline | voip | unknown
    carrier: str | None
    dnc: bool
    litigator: bool
    score: int | None
    unverified: tuple[str, ...] = ()  # flags the provider did not report (docs/outreach/unlock.md)

    @property
    def display(self) -> str:
        return display_phone(self.number)

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "type": self.type,
            "carrier": self.carrier,
            "dnc": self.dnc,
            "litigator": self.litigator,
            "score": self.score,
            "unverified": list(self.unverified),
        }

    @classmethod
    def of(cls, raw: dict[str, Any]) -> ContactPhone:
        return cls(
            number=str(raw["number"]),
            type=str(raw.get("type") or "unknown"),
            carrier=raw.get("carrier") or None,
            dnc=bool(raw.get("dnc")),
            litigator=bool(raw.get("litigator")),
            score=raw.get("score"),
            unverified=tuple(raw.get("unverified") or ()),
        )


@dataclass(frozen=True)
class OwnerContact:
    """A property owner's contact data as one subscriber unlocked it."""

    property_id: uuid.UUID
    matched: bool
    phones: tuple[ContactPhone, ...]
    emails: tuple[str, ...]
    enriched_at: datetime
    provider: str
    unlocked_at: datetime | None = None

    @property
    def simulated(self) -> bool:
        return self.provider == "local"

    @property
    def best_phone(self) -> ContactPhone | None:
        """The number to try first: the provider's best-scored mobile that is neither on a
        Do-Not-Call list nor a known litigator's."""
        return _best_phone(self.phones)

    def fresh_until(self, freshness_days: int) -> datetime:
        return self.enriched_at + timedelta(days=freshness_days)

    def stale(self, now: datetime, freshness_days: int) -> bool:
        return now >= self.fresh_until(freshness_days)

    @classmethod
    def of(
        cls, property_id: uuid.UUID, stored: StoredContact, unlocked_at: datetime | None = None
    ) -> OwnerContact:
        return cls(
            property_id=property_id,
            matched=stored.matched,
            phones=tuple(ContactPhone.of(p) for p in stored.phones),
            emails=tuple(stored.emails),
            enriched_at=stored.enriched_at,
            provider=stored.provider,
            unlocked_at=unlocked_at,
        )


def _best_phone(phones: Sequence[ContactPhone]) -> ContactPhone | None:
    usable = [p for p in phones if p.type == "mobile" and not p.dnc and not p.litigator]
    return max(usable, key=lambda p: p.score or 0, default=None)


@dataclass(frozen=True)
class UnlockOutcome:
    property_id: uuid.UUID
    address: str
    status: UnlockStatus
    tokens: int = 0  # charged for this property by this unlock
    from_cache: bool = False  # a stored result was used: no provider call
    message: str | None = None
    contact: OwnerContact | None = None  # unlocked (or no match): what the subscriber sees


@dataclass
class UnlockReport:
    outcomes: list[UnlockOutcome]
    price: int  # credits per match
    provider_calls: int = 0
    refusal: TokenRefusal | None = None  # the ledger's refusal that stopped charging
    balance: int | None = None  # after the last charge

    @property
    def tokens_charged(self) -> int:
        return sum(o.tokens for o in self.outcomes)

    def count(self, status: UnlockStatus) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def of(self, property_id: uuid.UUID) -> UnlockOutcome:
        return next(o for o in self.outcomes if o.property_id == property_id)


@dataclass(frozen=True)
class UnlockQuote:
    """What a batch would cost at most, for the confirmation page."""

    selected: int
    already_unlocked: int  # unlocked and fresh: free
    known_no_match: int  # a fresh "no match" on record: free
    outside_plan: int
    chargeable: int  # at most this many are charged (only matches are)
    price: int
    balance: int

    @property
    def max_total(self) -> int:
        return self.chargeable * self.price

    @property
    def affordable(self) -> bool:
        return self.balance >= self.max_total


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
    return await _Batch(session, user, tracer, now, settings, await _price(session)).run(
        ids, covered
    )


class _Batch:
    """One unlock request's work: decide per property, call the provider in chunks, charge."""

    def __init__(
        self,
        session: AsyncSession,
        user: User,
        tracer: SkipTracer,
        now: datetime,
        settings: Settings,
        price: int,
    ) -> None:
        self.session = session
        self.user = user
        self.tracer = tracer
        self.now = now
        self.freshness_days = settings.contact_freshness_days
        self.repo = UnlockRepository.from_session(session)
        self.report = UnlockReport(outcomes=[], price=price)
        self.outcomes: dict[uuid.UUID, UnlockOutcome] = {}
        self.unlocks: list[tuple[uuid.UUID, uuid.UUID | None]] = []
        self.failed = False

    def _fresh(self, contact: StoredContact | None) -> bool:
        fresh_since = self.now - timedelta(days=self.freshness_days)
        return contact is not None and contact.enriched_at > fresh_since

    async def run(self, ids: list[uuid.UUID], covered: dict[uuid.UUID, bool]) -> UnlockReport:
        await self.repo.lock_user(self.user.user_id)
        states = await self.repo.states(self.user.user_id, ids)
        to_trace: list[PropertyState] = []
        for pid in ids:
            state = states[pid]
            if not covered[pid]:
                self._set(state, UnlockStatus.OUTSIDE_PLAN)
            elif self._fresh(state.contact) and state.unlocked_at is not None:
                assert state.contact is not None
                matched = state.contact.matched
                self._set(
                    state,
                    UnlockStatus.ALREADY_UNLOCKED if matched else UnlockStatus.NO_MATCH,
                    message=None if matched else _(NO_MATCH),
                    contact=state.contact,
                    unlocked_at=state.unlocked_at,
                )
            elif self._fresh(state.contact):
                assert state.contact is not None
                await self._settle(state, state.contact, cost=Decimal(0), from_cache=True)
            else:
                to_trace.append(state)
        await self._trace_all(to_trace)
        await self.repo.record_unlocks(self.user.user_id, self.unlocks, self.now)
        self.report.outcomes = [self.outcomes[pid] for pid in ids]
        return self.report

    def _set(
        self,
        state: PropertyState,
        status: UnlockStatus,
        *,
        tokens: int = 0,
        from_cache: bool = False,
        message: str | None = None,
        contact: StoredContact | None = None,
        unlocked_at: datetime | None = None,
    ) -> None:
        shown = OwnerContact.of(state.property_id, contact, unlocked_at) if contact else None
        address = str(state.facts.get("full_address") or state.facts.get("street_address") or "")
        self.outcomes[state.property_id] = UnlockOutcome(
            state.property_id, address, status, tokens, from_cache, message, shown
        )

    async def _settle(
        self,
        state: PropertyState,
        contact: StoredContact,
        *,
        cost: Decimal | None,
        from_cache: bool,
    ) -> None:
        """Charge for a matched result (or record a free no-match) and record the unlock."""
        if not contact.matched:
            self.unlocks.append((state.property_id, None))
            self._set(
                state,
                UnlockStatus.NO_MATCH,
                from_cache=from_cache,
                message=_(NO_MATCH),
                contact=contact,
                unlocked_at=self.now,
            )
            return
        if self.report.refusal is None:
            try:
                charged = await tokens.charge(
                    self.session,
                    self.user.user_id,
                    ACTION,
                    1,
                    reference=f"unlock:{state.property_id}",
                    now=self.now,
                    actual_cost=cost,
                )
            except (InsufficientTokens, DailyLimitReached) as refusal:
                self.report.refusal = refusal
            else:
                self.report.balance = charged.balance
                self.unlocks.append((state.property_id, charged.usage_log_id))
                self._set(
                    state,
                    UnlockStatus.UNLOCKED,
                    tokens=charged.tokens,
                    from_cache=from_cache,
                    contact=contact,
                    unlocked_at=self.now,
                )
                return
        self._refused(state)

    def _refused(self, state: PropertyState) -> None:
        refusal = self.report.refusal
        self._set(state, UnlockStatus.REFUSED, message=refusal.message if refusal else None)

    async def _affordable(self) -> int:
        """How many more matches the balance (and the daily limit) could pay for now."""
        price = self.report.price
        summary = await tokens.balance_summary(self.session, self.user.user_id, now=self.now)
        count = summary.balance // price
        if summary.daily_limit is not None:
            count = min(count, (summary.remaining_today or 0) // price)
        if count == 0 and self.report.refusal is None:
            if summary.balance < price:
                self.report.refusal = InsufficientTokens(needed=price, balance=summary.balance)
            else:
                assert summary.daily_limit is not None
                self.report.refusal = DailyLimitReached(
                    needed=price, used_today=summary.used_today, daily_limit=summary.daily_limit
                )
        return count

    async def _trace_all(self, pending: list[PropertyState]) -> None:
        fallback_cost: Decimal | None = None
        if pending:
            fallback_cost = await catalog.provider_unit_cost(self.session, ACTION)
        while pending:
            if self.failed:
                for state in pending:
                    self._set(state, UnlockStatus.FAILED, message=_(PROVIDER_FAILED))
                return
            size = 0 if self.report.refusal else min(MAX_PER_CALL, await self._affordable())
            if size == 0:
                for state in pending:
                    self._refused(state)
                return
            chunk, pending = pending[:size], pending[size:]
            await self._trace(chunk, fallback_cost)

    async def _trace(self, chunk: list[PropertyState], fallback_cost: Decimal | None) -> None:
        requests = [_request(state) for state in chunk]
        self.report.provider_calls += 1
        try:
            results = await self.tracer.trace(requests)
        except SkipTraceError:
            self.failed = True
            for state in chunk:
                self._set(state, UnlockStatus.FAILED, message=_(PROVIDER_FAILED))
            return
        by_id = {result.request_id: result for result in results}
        stored: list[tuple[PropertyState, StoredContact, Decimal | None]] = []
        rows = []
        for state in chunk:
            result = by_id.get(str(state.property_id))
            if result is None:  # the provider skipped it: nothing to store or charge
                self._set(state, UnlockStatus.FAILED, message=_(PROVIDER_FAILED))
                continue
            row = _stored_row(state.property_id, result, self.tracer.provider)
            rows.append(row)
            contact = StoredContact(
                matched=row["matched"],
                phones=row["phones"],
                emails=row["emails"],
                provider=row["provider"],
                provider_cost=row["provider_cost"],
                enriched_at=self.now,
            )
            stored.append((state, contact, result.cost_usd))
        await self.repo.store_results(rows, self.now)
        for state, contact, cost in stored:
            await self._settle(
                state,
                contact,
                cost=cost if cost is not None else fallback_cost,
                from_cache=False,
            )


def _request(state: PropertyState) -> SkipTraceRequest:
    facts = state.facts
    first, last = facts.get("owner_first_name"), facts.get("owner_last_name")
    if not (first and last):
        name = owner_name_parts(facts.get("owner_name"))
        first, last = (name.first, name.last) if name else (None, None)
    return SkipTraceRequest(
        request_id=str(state.property_id),
        street=str(facts.get("street_address") or facts.get("full_address") or ""),
        city=str(facts.get("city") or "MIAMI"),
        state=STATE,
        zip=str(facts.get("zip_code") or ""),
        first_name=first,
        last_name=last,
    )


def _stored_row(property_id: uuid.UUID, result: SkipTraceResult, provider: str) -> dict[str, Any]:
    """A result as stored: numbers in E.164 (invalid ones dropped, duplicates merged), each with
    the flags its provider did not report. A "match" with nothing usable is no match."""
    phone_fields = {"dnc", "litigator", "type"}
    unverified = tuple(f for f in result.unverified_fields if f in phone_fields)
    phones: dict[str, ContactPhone] = {}
    for traced in result.phones if result.matched else []:
        number = normalize_phone(traced.number)
        if number is None or number in phones:
            continue
        phones[number] = ContactPhone(
            number=number,
            type=traced.type,
            carrier=traced.carrier,
            dnc=traced.dnc,
            litigator=traced.litigator,
            score=traced.score,
            unverified=unverified,
        )
    emails = list(dict.fromkeys(e.strip().lower() for e in result.emails)) if result.matched else []
    matched = bool(phones or emails)
    best = _best_phone(list(phones.values()))
    return {
        "property_id": property_id,
        "matched": matched,
        "phones": [phone.as_json() for phone in phones.values()],
        "emails": emails,
        "provider": provider,
        "provider_cost": result.cost_usd,
        "best_phone": best.number if best else None,
        "best_email": emails[0] if emails else None,
    }


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


@dataclass(frozen=True)
class LeadUnlock:
    lead_id: uuid.UUID
    outcome: UnlockOutcome


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


@dataclass(frozen=True)
class ContactView:
    """A property's contact block as a page shows it to one subscriber."""

    contact: OwnerContact | None
    price: int
    freshness_days: int
    stale: bool
    feature_message: str | None = None  # the plan lacks contact_unlock: the upgrade message


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
