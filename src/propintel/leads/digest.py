"""The morning follow-up digest: one email to each subscriber with open tasks that are overdue or
due today (New York), naming them with links to their leads. Nobody else gets one.

At most one digest per user per New York day, however often the job runs: each user's digest is
recorded (``lead_task_digests``) in a savepoint *before* the email is sent, so a failed send rolls
the record back and the next run tries again, and a second run that day finds it recorded. As
with saved-search alerts, SendGrid delivery is at least once (a crash between its send and the
commit can repeat one digest); with the local outbox the email and its record commit together.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from babel import Locale
from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.integrations.email import EmailMessage, EmailSender, EmailSendError
from propintel.kit import i18n
from propintel.kit.i18n import _
from propintel.leads.followup_repository import TaskRepository
from propintel.leads.service import DueList, due_followups
from propintel.web.templating import templated_email

logger = logging.getLogger("propintel.leads.digest")
DIGEST_LINES = 50
CATEGORY = "task_digest"


@dataclass
class DigestReport:
    users: int = 0
    emails: int = 0
    tasks: int = 0
    failed: int = 0

    def to_detail(self) -> dict[str, Any]:
        return asdict(self)


async def send_task_digests(
    session: AsyncSession, sender: EmailSender, now: datetime, public_url: str
) -> DigestReport:
    """Today's digests (``now``: New York wall-clock time), each in its own savepoint."""
    repo = TaskRepository.from_session(session)
    report = DigestReport()
    for user_id in await repo.digest_recipients(now.date()):
        user = await repo.recipient(user_id)
        if user is None:
            continue
        report.users += 1
        try:
            async with session.begin_nested():
                named = await _send_one(repo, sender, user, now, public_url)
        except EmailSendError as error:
            report.failed += 1
            logger.warning(
                "task digest failed", extra={"user_id": str(user_id), "error": str(error)}
            )
            continue
        if named is not None:
            report.emails += 1
            report.tasks += named
    return report


async def _send_one(
    repo: TaskRepository, sender: EmailSender, user: User, now: datetime, public_url: str
) -> int | None:
    """Record today's digest for ``user``, then send it: how many tasks it names, or None when
    another run recorded it meanwhile."""
    today = now.date()
    if not await repo.claim_digest(user.user_id, today, now):
        return None
    due = await due_followups(repo.session, user.user_id, today, limit=DIGEST_LINES)
    await sender.send(digest(user, due, public_url))
    return due.total


def digest(user: User, due: DueList, public_url: str) -> EmailMessage:
    """The email: overdue tasks first (longest overdue first), then today's, each linking to its
    lead; at most ``DIGEST_LINES`` of them, with a link to the rest."""
    # The recipient's language; without a preference English, whatever the job's locale.
    locale = user.preferred_locale or i18n.DEFAULT_LOCALE
    with i18n.using_locale(locale):  # in the recipient's language
        context = {
            "summary": summary(due),
            "due": due,
            "more": due.total - len(due.rows),
            "base": public_url.rstrip("/"),
            "today": due.today,
            "day": _weekday_and_date(due.today),
        }
        subject = _("Follow-ups: {summary}").format(summary=context["summary"])
    return templated_email(
        user.email,
        subject,
        "task_digest",
        context,
        locale=locale,
        category=CATEGORY,
        user_id=user.user_id,
    )


def summary(due: DueList) -> str:
    """E.g. "2 due today, 1 overdue"."""
    parts = []
    if due.total > due.overdue_total:
        parts.append(_("{count} due today").format(count=due.total - due.overdue_total))
    if due.overdue_total:
        parts.append(_("{count} overdue").format(count=due.overdue_total))
    return ", ".join(parts)


def _weekday_and_date(day: date) -> str:
    """ "Tuesday, June 2" / "martes, 2 de junio" (the current locale's order, without the year)."""
    locale = Locale.parse(i18n.current_locale())
    pattern = locale.datetime_skeletons["MMMMEd"].pattern.replace("E", "EEEE", 1)
    return format_date(day, pattern, locale=locale)
