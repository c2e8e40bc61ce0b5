"""Every query of the auth domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import RowMapping, bindparam, func, select, tuple_, update

from propintel.auth.models import (
    AccountLink,
    AccountRequest,
    AuthSession,
    LocalCredential,
    LoginAttempt,
    SubscriberProfile,
    User,
)
from propintel.db.repository import Repository

# The statements every authenticated request runs, built once: building the expression and its
# cache key on each call cost a third of a millisecond a request.
ACTIVE_SESSION_USER = (
    select(User, AuthSession.session_id, AuthSession.last_seen_at)
    .join(AuthSession, AuthSession.user_id == User.user_id)
    .where(
        AuthSession.token_hash == bindparam("token_hash"),
        AuthSession.kind == bindparam("kind"),
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > bindparam("now"),
        User.suspended_at.is_(None),
    )
)
USER_BY_FIREBASE_UID = select(User).where(User.firebase_uid == bindparam("uid"))

# What the admins' account search shows of each user.
_USER_COLUMNS = (
    User.user_id,
    User.email,
    User.user_type,
    User.subscription_tier,
    User.subscription_status,
    func.coalesce(User.token_balance, 0).label("token_balance"),
    User.created_at,
    User.last_login,
    User.suspended_at,
    User.erased_at,
    User.email_verified_at,
)
_BUSINESS_NAME = (
    select(SubscriberProfile.business_name)
    .where(SubscriberProfile.user_id == User.user_id)
    .order_by(SubscriberProfile.created_at)
    .limit(1)
    .scalar_subquery()
)


class AuthRepository(Repository):
    async def users_by_ids(self, user_ids: Sequence[uuid.UUID]) -> list[User]:
        if not user_ids:
            return []
        found = await self.session.scalars(select(User).where(User.user_id.in_(list(user_ids))))
        by_id = {user.user_id: user for user in found}
        return [by_id[user_id] for user_id in user_ids if user_id in by_id]

    async def user_by_email(self, email: str) -> User | None:
        return await self.session.scalar(
            select(User).where(func.lower(User.email) == email.lower())
        )

    async def user_by_id(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def user_by_firebase_uid(self, uid: str) -> User | None:
        return await self.session.scalar(USER_BY_FIREBASE_UID, {"uid": uid})

    async def credential_for(self, user_id: uuid.UUID) -> LocalCredential | None:
        return await self.session.get(LocalCredential, user_id)

    async def add(self, *rows: object) -> None:
        self.session.add_all(rows)
        await self.session.flush()

    async def active_session(
        self, token_hash: str, kind: str, now: datetime
    ) -> tuple[User, uuid.UUID, datetime | None] | None:
        """The user of a live session or API token, the session's id and when it was last seen."""
        row = (
            await self.session.execute(
                ACTIVE_SESSION_USER, {"token_hash": token_hash, "kind": kind, "now": now}
            )
        ).first()
        return None if row is None else (row[0], row[1], row[2])

    async def mark_seen(self, session_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(AuthSession).where(AuthSession.session_id == session_id).values(last_seen_at=now)
        )

    async def live_sessions(self, user_id: uuid.UUID, now: datetime) -> Sequence[AuthSession]:
        """The account's sessions and API keys that still work, newest first."""
        return (
            await self.session.scalars(
                select(AuthSession)
                .where(
                    AuthSession.user_id == user_id,
                    AuthSession.revoked_at.is_(None),
                    AuthSession.expires_at > now,
                )
                .order_by(AuthSession.created_at.desc(), AuthSession.session_id)
            )
        ).all()

    async def revoke_sessions(
        self,
        user_id: uuid.UUID,
        now: datetime,
        *,
        only: uuid.UUID | None = None,
        keep: uuid.UUID | None = None,
        kind: str | None = None,
    ) -> int:
        """Revoke the account's live sessions and keys: ``only`` that one, all but ``keep``, or
        those of ``kind``. Returns how many."""
        stmt = update(AuthSession).where(
            AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
        )
        if only is not None:
            stmt = stmt.where(AuthSession.session_id == only)
        if keep is not None:
            stmt = stmt.where(AuthSession.session_id != keep)
        if kind is not None:
            stmt = stmt.where(AuthSession.kind == kind)
        result = await self.session.execute(stmt.values(revoked_at=now))
        return int(getattr(result, "rowcount", 0) or 0)

    async def retire_links(self, user_id: uuid.UUID, purpose: str, now: datetime) -> None:
        """End the account's unused, unexpired links of ``purpose`` now."""
        await self.session.execute(
            update(AccountLink)
            .where(
                AccountLink.user_id == user_id,
                AccountLink.purpose == purpose,
                AccountLink.used_at.is_(None),
                AccountLink.expires_at > now,
            )
            .values(expires_at=now)
        )

    async def lock_link(self, link_id: uuid.UUID) -> AccountLink | None:
        return await self.session.scalar(
            select(AccountLink).where(AccountLink.link_id == link_id).with_for_update()
        )

    async def count_requests(self, action: str, subject: str, since: datetime) -> int:
        stmt = select(func.count()).where(
            AccountRequest.action == action,
            AccountRequest.subject == subject,
            AccountRequest.requested_at > since,
        )
        return int(await self.session.scalar(stmt) or 0)

    async def record_request(self, action: str, subject: str) -> None:
        await self.add(AccountRequest(action=action, subject=subject))

    async def mark_email_verified(self, user: User, email: str, now: datetime) -> None:
        user.email = email
        user.email_verified_at = now
        await self.session.flush()

    async def revoke_session(self, token_hash: str, now: datetime) -> None:
        await self.session.execute(
            update(AuthSession)
            .where(AuthSession.token_hash == token_hash, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def lock_attempts_of(self, email: str) -> None:
        """Hold, until the transaction ends, the lock of log-ins with ``email``: attempts with one
        address count their failures and record their own one at a time (the throttle cannot be
        raced by concurrent requests). A transaction-level advisory lock keyed on the address:
        no row need exist (an unknown address is throttled too)."""
        key = func.hashtextextended(bindparam("lock_key", f"login:{email.lower()}"), 0)
        await self.session.execute(select(func.pg_advisory_xact_lock(key)))

    async def recent_failures(
        self, *, email: str | None = None, ip: str | None = None, since: datetime
    ) -> int:
        stmt = (
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at > since)
        )
        if email is not None:
            stmt = stmt.where(LoginAttempt.email == email.lower())
        if ip is not None:
            stmt = stmt.where(LoginAttempt.ip_address == ip)
        return int(await self.session.scalar(stmt) or 0)

    async def oldest_failure_since(
        self, *, email: str | None, ip: str | None, since: datetime
    ) -> datetime | None:
        stmt = select(func.min(LoginAttempt.attempted_at)).where(
            LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at > since
        )
        if email is not None:
            stmt = stmt.where(LoginAttempt.email == email.lower())
        if ip is not None:
            stmt = stmt.where(LoginAttempt.ip_address == ip)
        return await self.session.scalar(stmt)

    async def failures_since(
        self, *, email: str, ip: str | None, since: datetime
    ) -> tuple[int, datetime | None]:
        """How many wrong passwords with ``email`` since ``since``, and when the latest was.
        From ``ip``: only those after its last successful log-in with ``email``; from anywhere
        (``ip`` None): all of them (the owner logging in does not let guessing elsewhere go on)."""
        scope = [LoginAttempt.email == email.lower()]
        after = [LoginAttempt.attempted_at > since]
        if ip is not None:
            scope.append(LoginAttempt.ip_address == ip)
            last_success = (
                select(func.max(LoginAttempt.attempted_at))
                .where(*scope, LoginAttempt.succeeded.is_(True))
                .scalar_subquery()
            )
            after.append(LoginAttempt.attempted_at > func.coalesce(last_success, since))
        stmt = select(func.count(), func.max(LoginAttempt.attempted_at)).where(
            *scope, LoginAttempt.succeeded.is_(False), *after
        )
        count, latest = (await self.session.execute(stmt)).one()
        return int(count), latest

    async def logged_in_from(self, email: str, ip: str, since: datetime) -> bool:
        """Whether ``email`` logged in successfully from ``ip`` since ``since``."""
        stmt = select(
            select(LoginAttempt.attempt_id)
            .where(
                LoginAttempt.email == email.lower(),
                LoginAttempt.ip_address == ip,
                LoginAttempt.succeeded.is_(True),
                LoginAttempt.attempted_at > since,
            )
            .exists()
        )
        return bool(await self.session.scalar(stmt))

    async def record_attempt(self, email: str, ip: str, succeeded: bool) -> None:
        await self.add(LoginAttempt(email=email.lower(), ip_address=ip, succeeded=succeeded))

    async def touch_last_login(self, user: User, now: datetime) -> None:
        user.last_login = now
        await self.session.flush()

    async def search_users(
        self,
        *,
        pattern: str | None,
        user_type: str | None,
        tier: str | None,
        suspended: bool | None,
        after: tuple[str, uuid.UUID] | None,
        limit: int,
    ) -> Sequence[RowMapping]:
        """Users by (email, user_id) after ``after``: email ILIKE ``pattern`` (backslash escapes),
        of ``user_type``, on ``tier`` ('none': no tier), suspended or not."""
        stmt = select(*_USER_COLUMNS)
        if pattern is not None:
            stmt = stmt.where(User.email.ilike(pattern, escape="\\"))
        if user_type is not None:
            stmt = stmt.where(User.user_type == user_type)
        if tier is not None:
            stmt = stmt.where(func.coalesce(User.subscription_tier, "none") == tier)
        if suspended is not None:
            stmt = stmt.where(
                User.suspended_at.is_not(None) if suspended else User.suspended_at.is_(None)
            )
        if after is not None:
            stmt = stmt.where(tuple_(User.email, User.user_id) > tuple_(*after))
        stmt = stmt.order_by(User.email, User.user_id).limit(limit)
        return (await self.session.execute(stmt)).mappings().all()

    async def user_facts(self, user_id: uuid.UUID) -> RowMapping | None:
        """What the admins' account search shows, with the Stripe customer and business name."""
        stmt = select(
            *_USER_COLUMNS,
            User.stripe_customer_id,
            _BUSINESS_NAME.label("business_name"),
        ).where(User.user_id == user_id)
        return (await self.session.execute(stmt)).mappings().first()

    async def count_users(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(User)) or 0)

    async def count_users_by_type(self) -> dict[str, int]:
        rows = await self.session.execute(
            select(User.user_type, func.count()).group_by(User.user_type)
        )
        return {user_type: count for user_type, count in rows.all()}


def window_start(now: datetime, minutes: int) -> datetime:
    return now - timedelta(minutes=minutes)
