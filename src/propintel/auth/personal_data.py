"""Auth's part of "Your data" (docs/accounts.md): the account's own rows for its export, the
confirmation a deletion asks for, and the erasure of the identity.

Called by ``account_data``; like every service, these take the session, flush and never commit.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User, erased_uid
from propintel.auth.passwords import verify_password
from propintel.auth.personal_data_repository import EXPORTS, PersonalDataRepository
from propintel.config import Settings
from propintel.db.export import EXPORT_PAGE_SIZE, export_rows_of
from propintel.kit.errors import Conflict, Invalid, RateLimited
from propintel.kit.i18n import _

SECTIONS: tuple[str, ...] = tuple(EXPORTS)
CONFIRMATION_WINDOW = timedelta(minutes=15)
# A profile column that names an uploaded file (helper P's logo): deleted from storage on erasure.
FILE_COLUMNS = ("business_logo_url", "logo_url", "photo_url")


class ConfirmationFailed(Invalid):
    """A wrong password typed to confirm a deletion: it counts as a failed log-in (kept)."""

    commit_changes = True


def erased_email(user_id: uuid.UUID) -> str:
    """The address an erased account keeps: unique, and unable to receive mail."""
    return f"erased-{user_id}@invalid.propintel"


export_rows = export_rows_of(PersonalDataRepository)


async def has_password(session: AsyncSession, user_id: uuid.UUID) -> bool:
    """Whether the account has a local password (a Firebase-only account has none)."""
    return await PersonalDataRepository.from_session(session).password_hash(user_id) is not None


async def confirm_erasure(
    session: AsyncSession,
    settings: Settings,
    user: User,
    typed_email: str,
    password: str | None,
    ip: str,
    *,
    now: datetime,
) -> None:
    """Refuse unless ``typed_email`` is the account's address and, when the account has a local
    password, ``password`` is it. A wrong password is recorded as a failed log-in of the account
    (so guessing through this form meets the log-in throttle); too many refuse every try."""
    # Locked, and read again: a second deletion at the same moment waits, then finds it erased.
    await session.refresh(user, with_for_update=True)
    if user.erased_at is not None:
        raise Conflict(_("This account has already been deleted."))
    if (typed_email or "").strip().lower() != user.email.lower():
        raise Invalid(_("Type the e-mail address of this account exactly."), field="email")
    repo = PersonalDataRepository.from_session(session)
    password_hash = await repo.password_hash(user.user_id)
    if password_hash is None:
        return  # a Firebase-only account: the e-mail is the confirmation
    failures = await repo.recent_failures(user.email.lower(), now - CONFIRMATION_WINDOW)
    if failures >= settings.login_max_failures_per_account:
        raise RateLimited(
            _("Too many wrong passwords. Try again in a few minutes."),
            retry_after_s=int(CONFIRMATION_WINDOW.total_seconds()),
        )
    if not password or not await verify_password(password_hash, password, settings):
        await repo.record_failure(user.email.lower(), ip)
        raise ConfirmationFailed(_("The password is not correct."), field="password")


async def erase_identity(session: AsyncSession, user: User, *, now: datetime) -> list[str]:
    """Erase the person behind ``user`` (see ``PersonalDataRepository.erase_identity``): the
    profiles, password, sessions, API keys, e-mail links and log-in attempts are deleted, the
    e-mail becomes ``erased_email`` and the sign-in id ``erased_uid``; the row stays, erased and
    suspended. Returns the uploaded files the profiles named (for the caller to delete)."""
    repo = PersonalDataRepository.from_session(session)
    files: list[str] = []
    for section in ("subscriber_profiles", "homeowner_profiles"):
        page = await repo.export_page(section, user.user_id, None, EXPORT_PAGE_SIZE)
        files += [str(row[c]) for row in page.rows for c in FILE_COLUMNS if row.get(c)]
    await repo.erase_identity(
        user.user_id,
        user.email,
        erased_email=erased_email(user.user_id),
        erased_uid=erased_uid(user.user_id),
        now=now,
    )
    await session.refresh(user)
    return files
