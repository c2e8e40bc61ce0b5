"""Whom outreach reaches: the owner of record of a property, usually through a subscriber's saved
lead. Every outreach action starts here, so tenancy is checked once: a lead that is not the
caller's is not found (``leads.service``)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.leads import service as leads

# Owner-of-record names that are not a person: no first name to greet.
_ENTITY = re.compile(
    r"\b(LLC|L L C|INC|CORP|CORPORATION|CO|COMPANY|LTD|LP|LLP|PA|TRUST|TR|TRS|TRUSTEE|BANK|"
    r"ASSOCIATION|ASSN|HOLDINGS|PROPERTIES|INVESTMENTS|GROUP|CHURCH|COUNTY|CITY|STATE|"
    r"FOUNDATION|PARTNERS|FUND|REO|EST OF|ESTATE|HEIRS)\b"
)


@dataclass(frozen=True)
class OwnerName:
    first: str
    last: str


def owner_name_parts(owner_name: str | None) -> OwnerName | None:
    """A person's first and last name from the Property Appraiser's owner line, which is written
    ``LAST FIRST [MIDDLE]`` (``GARCIA MARIA L`` → Maria Garcia); None for companies, trusts,
    estates and anything that is not two words or more. Joint owners (``&``): the first one."""
    if not owner_name:
        return None
    name = owner_name.split("&")[0].replace(",", " ").strip().upper()
    if _ENTITY.search(name):
        return None
    words = name.split()
    if len(words) < 2:
        return None
    return OwnerName(first=words[1].title(), last=words[0].title())


@dataclass(frozen=True)
class Target:
    """A property's owner as one subscriber works it (``lead_id`` None: from a property page)."""

    property_id: uuid.UUID
    lead_id: uuid.UUID | None
    lead_status: str | None
    facts: dict[str, Any]

    @property
    def owner_name(self) -> str | None:
        value = self.facts.get("owner_name")
        return str(value) if value else None

    @property
    def owner(self) -> OwnerName | None:
        return owner_name_parts(self.owner_name)

    @property
    def address(self) -> str:
        return str(self.facts.get("full_address") or self.facts.get("street_address") or "")


async def lead_target(session: AsyncSession, user: User, lead_id: uuid.UUID) -> Target:
    """The owner behind one of ``user``'s saved leads (``LeadNotFound`` otherwise)."""
    detail = await leads.lead_detail(session, user.user_id, lead_id)
    return Target(
        property_id=detail.lead.property_id,
        lead_id=detail.lead.lead_id,
        lead_status=detail.lead.status,
        facts=detail.property,
    )
