"""What the contact unlock returns and pages show (``outreach.unlock``): an unlocked owner
contact with its phones and their flags, the outcome of each property of an unlock, the report of
a batch and the quote shown before one."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from propintel.kit.errors import ServiceUnavailable
from propintel.kit.i18n import N_, _
from propintel.kit.phones import display_phone
from propintel.outreach.unlock_repository import StoredContact
from propintel.tokens.errors import TokenRefusal

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


PHONE_TYPE_LABELS: dict[str, str] = {
    "mobile": N_("Mobile"),
    "landline": N_("Landline"),
    "voip": N_("VoIP"),
    "unknown": N_("Unknown line type"),
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
        return best_phone(self.phones)

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


def best_phone(phones: Sequence[ContactPhone]) -> ContactPhone | None:
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


@dataclass(frozen=True)
class LeadUnlock:
    lead_id: uuid.UUID
    outcome: UnlockOutcome


@dataclass(frozen=True)
class ContactView:
    """A property's contact block as a page shows it to one subscriber."""

    contact: OwnerContact | None
    price: int
    freshness_days: int
    stale: bool
    feature_message: str | None = None  # the plan lacks contact_unlock: the upgrade message
