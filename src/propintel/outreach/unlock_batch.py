"""The work of one unlock request (``outreach.unlock.unlock`` checks the caller first): decide
per property from what is stored, call the provider in chunks of at most 100 that the balance
can still pay for, store the results, charge the matches, record the unlocks."""

from __future__ import annotations

import uuid
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
from propintel.kit.i18n import _
from propintel.kit.phones import normalize_phone
from propintel.outreach.targets import owner_name_parts
from propintel.outreach.unlock_models import (
    ACTION,
    NO_MATCH,
    PROVIDER_FAILED,
    STATE,
    ContactPhone,
    OwnerContact,
    UnlockOutcome,
    UnlockReport,
    UnlockStatus,
    best_phone,
)
from propintel.outreach.unlock_repository import PropertyState, StoredContact, UnlockRepository
from propintel.tokens import service as tokens
from propintel.tokens.errors import DailyLimitReached, InsufficientTokens


class UnlockBatch:
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
    best = best_phone(list(phones.values()))
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
