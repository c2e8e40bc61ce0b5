"""What auth's tables hold of one account, for its export and its erasure ("Your data",
docs/accounts.md): the statements of ``auth.personal_data``."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select, update

from propintel.auth.models import (
    AccountLink,
    AuthSession,
    HomeownerProfile,
    LocalCredential,
    LoginAttempt,
    SubscriberProfile,
    User,
)
from propintel.db.export import Export, ExportingRepository, owned_by


def _attempts_of(user_id: uuid.UUID) -> ColumnElement[bool]:
    """Log-in attempts are recorded by the e-mail typed: those of the account's address."""
    email = select(func.lower(User.email)).where(User.user_id == user_id).scalar_subquery()
    condition: ColumnElement[bool] = LoginAttempt.email == email
    return condition


# Whole rows, without the hashes of secrets (password, session and API-key tokens, link secrets).
EXPORTS: dict[str, Export] = {
    "user": Export(User.__table__, User.user_id, owned_by(User.user_id)),
    "subscriber_profiles": Export(
        SubscriberProfile.__table__,
        SubscriberProfile.profile_id,
        owned_by(SubscriberProfile.user_id),
    ),
    "homeowner_profiles": Export(
        HomeownerProfile.__table__, HomeownerProfile.profile_id, owned_by(HomeownerProfile.user_id)
    ),
    "local_credential": Export(
        LocalCredential.__table__,
        LocalCredential.user_id,
        owned_by(LocalCredential.user_id),
        omit=("password_hash",),
    ),
    "sessions_and_api_keys": Export(
        AuthSession.__table__,
        AuthSession.session_id,
        owned_by(AuthSession.user_id),
        omit=("token_hash",),
    ),
    "account_links": Export(
        AccountLink.__table__,
        AccountLink.link_id,
        owned_by(AccountLink.user_id),
        omit=("secret_hash",),
    ),
    "login_attempts": Export(LoginAttempt.__table__, LoginAttempt.attempt_id, _attempts_of),
}


class PersonalDataRepository(ExportingRepository):
    exports = EXPORTS

    async def password_hash(self, user_id: uuid.UUID) -> str | None:
        return await self.session.scalar(
            select(LocalCredential.password_hash).where(LocalCredential.user_id == user_id)
        )

    async def recent_failures(self, email: str, since: datetime) -> int:
        stmt = select(func.count()).where(
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.attempted_at > since,
        )
        return int(await self.session.scalar(stmt) or 0)

    async def record_failure(self, email: str, ip: str) -> None:
        self.session.add(LoginAttempt(email=email, ip_address=ip, succeeded=False))
        await self.session.flush()

    async def erase_identity(
        self,
        user_id: uuid.UUID,
        email: str,
        *,
        erased_email: str,
        erased_uid: str,
        now: datetime,
    ) -> None:
        """Delete what identifies the person (profile rows, password, sessions and API keys,
        e-mail links, log-in attempts of ``email``), then replace the e-mail and the sign-in id
        of the ``users`` row, which stays (the ledger and invoices refer to it) marked erased and
        suspended."""
        statements = (
            delete(SubscriberProfile).where(SubscriberProfile.user_id == user_id),
            delete(HomeownerProfile).where(HomeownerProfile.user_id == user_id),
            delete(LocalCredential).where(LocalCredential.user_id == user_id),
            delete(AuthSession).where(AuthSession.user_id == user_id),
            delete(AccountLink).where(AccountLink.user_id == user_id),
            delete(LoginAttempt).where(LoginAttempt.email == email.lower()),
            update(User)
            .where(User.user_id == user_id)
            .values(
                email=erased_email,
                firebase_uid=erased_uid,
                erased_at=now,
                suspended_at=func.coalesce(User.suspended_at, now),
                preferred_locale=None,
            ),
        )
        for statement in statements:
            await self.session.execute(statement, execution_options={"synchronize_session": False})
