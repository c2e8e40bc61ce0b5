"""The saved-search alert run: for each due search, the properties it newly matches (never one
already named for that search), one digest email through the email interface, ``last_run_at``.

Each search runs in its own savepoint: its matches are recorded *before* the email is sent, so a
failed send rolls them back and the next run tries again; a search that finds nothing new sends
nothing. With SendGrid a crash between the send and the commit can repeat one digest (delivery is
at least once); with the local outbox, the email and the records commit together.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.integrations.email import EmailMessage, EmailSender, EmailSendError
from propintel.kit import i18n
from propintel.kit.errors import DomainError
from propintel.kit.i18n import _, ngettext
from propintel.saved_searches.models import SavedSearch, frequency_name
from propintel.saved_searches.repository import SavedSearchRepository
from propintel.search.criteria import SearchCriteria
from propintel.search.service import (
    PlanRequired,
    ScoredProperty,
    best_scored,
    matching_property_ids,
    scope_for,
)
from propintel.web.templating import templated_email

logger = logging.getLogger("propintel.alerts")
DIGEST_LINES = 50
CATEGORY = "saved_search_alert"


@dataclass
class AlertReport:
    searches: int = 0
    emails: int = 0
    properties: int = 0
    nothing_new: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    failed: int = 0

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def to_detail(self) -> dict[str, Any]:
        return asdict(self)


async def run_due_alerts(
    session: AsyncSession, sender: EmailSender, now: datetime, public_url: str
) -> AlertReport:
    repo = SavedSearchRepository.from_session(session)
    report = AlertReport()
    for search_id in await repo.due_search_ids(now.date()):
        search = await repo.get(search_id)
        user = await repo.owner(search) if search else None
        if search is None or user is None:
            continue
        report.searches += 1
        try:
            async with session.begin_nested():
                await _run_one(repo, sender, search, user, now, public_url, report)
        except EmailSendError as error:
            report.failed += 1
            logger.warning(
                "alert email failed", extra={"search_id": str(search_id), "error": str(error)}
            )
    return report


async def _run_one(
    repo: SavedSearchRepository,
    sender: EmailSender,
    search: SavedSearch,
    user: User,
    now: datetime,
    public_url: str,
    report: AlertReport,
) -> None:
    try:
        criteria = SearchCriteria.model_validate(search.search_criteria)
        scope = await scope_for(repo.session, user, criteria)
        ids = await matching_property_ids(
            repo.session, user, criteria, today=now.date(), scope=scope
        )
    except PlanRequired:
        report.skip("plan")  # no run recorded: alerts resume with the plan
        return
    except (ValidationError, DomainError):
        report.skip("criteria")
        return
    new_ids = await repo.record_matches(search.search_id, ids, now, alerted=True)
    search.last_run_at = now
    await repo.session.flush()
    if not new_ids:
        report.nothing_new += 1
        return
    lines = await best_scored(repo.session, new_ids, criteria.intent, scope, DIGEST_LINES)
    await sender.send(digest(user, search, lines, len(new_ids), public_url))
    report.emails += 1
    report.properties += len(new_ids)


def digest(
    user: User, search: SavedSearch, lines: list[ScoredProperty], total: int, public_url: str
) -> EmailMessage:
    """One email naming the new properties (the best ``DIGEST_LINES`` of them, with a link to
    the rest), as plain text and HTML."""
    # The recipient's language; without a preference English, whatever the job's locale.
    locale = user.preferred_locale or i18n.DEFAULT_LOCALE
    with i18n.using_locale(locale):  # in the recipient's language
        name = search.search_name or _("your saved search")
        subject = ngettext(
            '{count} new property for "{name}"', '{count} new properties for "{name}"', total
        ).format(count=i18n.format_number(total), name=name)
        frequency = frequency_name(search.alert_frequency)
    context = {
        "name": name,
        "lines": lines,
        "total": total,
        "more": total - len(lines),
        "base": public_url.rstrip("/"),
        "search_id": search.search_id,
        "frequency": frequency,
    }
    return templated_email(
        user.email,
        subject,
        "saved_search_alert",
        context,
        locale=locale,
        category=CATEGORY,
        user_id=user.user_id,
    )
