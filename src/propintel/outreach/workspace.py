"""The lead's outreach page (``/leads/{id}/outreach``) is made of sections, one per outreach area
(owner contact, the guard's counts, SMS, e-mail, CRM). Each area builds its own section's context
from the target; the page lists them in ``pages.SECTIONS`` and includes each one's template."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.outreach.targets import Target

SectionBuilder = Callable[[Request, AsyncSession, User, Target], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Section:
    name: str  # the key of the section's context in the page: ``sections[name]``
    template: str  # included with ``section`` bound to that context
    build: SectionBuilder
