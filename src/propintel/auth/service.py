"""Account rules: registration, password log-in with brute-force throttling, sessions and tokens;
and the account search admins page through (``search_users``, ``user_facts``)."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import (
    AuthSession,
    HomeownerProfile,
    LocalCredential,
    Plan,
    SessionKind,
    SubscriberProfile,
    User,
    UserType,
    local_uid,
)
from propintel.auth.passwords import (
    hash_password,
    needs_rehash,
    validate_new_password,
    verify_password,
)
from propintel.auth.repository import AuthRepository, window_start
from propintel.auth.schemas import UserFilters
from propintel.config import Settings
from propintel.kit.clock import now_new_york
from propintel.kit.errors import (
    Conflict,
    Invalid,
    LoginFailed,
    NotAuthenticated,
    NotFound,
    RateLimited,
)
from propintel.kit.i18n import SUPPORTED_LOCALES, _
from propintel.kit.pagination import KeyPart, Listing, fingerprint
from propintel.kit.text import refuse_nul

THROTTLE_WINDOW_MINUTES = 15  # the per-address limit across accounts
FAILURE_MEMORY = timedelta(days=1)  # wrong passwords older than this no longer slow anyone
KNOWN_ADDRESS = timedelta(days=30)  # an address the account logged in from this recently
SEEN_EVERY = timedelta(minutes=5)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SELF_SERVICE_TYPES = (UserType.SUBSCRIBER, UserType.HOMEOWNER)
USERS = Listing("users", (KeyPart.TEXT, KeyPart.UUID))  # by email, then user_id


@dataclass(frozen=True)
class NewAccount:
    email: str
    password: str
    user_type: UserType
    plan: Plan = Plan.NONE
    display_name: str | None = None
    # Proven already: accounts an operator creates (CLI, demo). Sign-ups prove it by a link.
    email_verified: bool = False


@dataclass(frozen=True)
class UserRow:
    """A user as the admins' account search lists them."""

    user_id: uuid.UUID
    email: str
    user_type: str
    subscription_tier: str | None
    subscription_status: str | None
    token_balance: int
    created_at: datetime | None
    last_login: datetime | None
    suspended_at: datetime | None
    erased_at: datetime | None
    email_verified_at: datetime | None


@dataclass(frozen=True)
class UserFacts(UserRow):
    stripe_customer_id: str | None
    business_name: str | None


def normalise_email(email: str) -> str:
    cleaned = refuse_nul(email, "email").strip().lower()
    if not EMAIL_PATTERN.match(cleaned) or len(cleaned) > 255:
        raise Invalid(_("Enter a valid email address."), field="email")
    return cleaned


async def register(session: AsyncSession, settings: Settings, account: NewAccount) -> User:
    """Create a user with a local password credential (and the profile row of its type)."""
    repo = AuthRepository.from_session(session)
    email = normalise_email(account.email)
    validate_new_password(account.password)
    if account.plan != Plan.NONE and account.user_type != UserType.SUBSCRIBER:
        raise Invalid(_("Only subscribers have a plan."), field="plan")
    if await repo.user_by_email(email) is not None:
        raise Conflict(_("An account with this email already exists."), field="email")
    user_id = uuid.uuid4()
    user = User(
        user_id=user_id,
        email=email,
        firebase_uid=local_uid(user_id),
        user_type=account.user_type,
        subscription_tier=Plan(account.plan) if account.user_type == UserType.SUBSCRIBER else None,
        subscription_status="active" if account.plan != Plan.NONE else None,
        email_verified_at=now_new_york() if account.email_verified else None,
    )
    await repo.add(user)
    password_hash = await hash_password(account.password, settings)
    await repo.add(LocalCredential(user_id=user_id, password_hash=password_hash))
    if account.user_type == UserType.HOMEOWNER:
        await repo.add(HomeownerProfile(user_id=user_id, full_name=account.display_name))
    elif account.user_type == UserType.SUBSCRIBER:
        await repo.add(SubscriberProfile(user_id=user_id, business_name=account.display_name))
    return user


async def authenticate(
    session: AsyncSession, settings: Settings, email: str, password: str, ip: str
) -> User:
    """Check a password log-in. Throttled per account and per IP before the password is checked."""
    repo = AuthRepository.from_session(session)
    email = refuse_nul(email, "email").strip().lower()  # PostgreSQL text cannot hold NUL: 422
    now = now_new_york()
    await refuse_if_throttled(repo, settings, email, ip)
    user = await repo.user_by_email(email)
    credential = await repo.credential_for(user.user_id) if user else None
    if not await verify_password(
        credential.password_hash if credential else None, password, settings
    ):
        await record_password_failure(repo, email, ip)
        raise LoginFailed(_("Email or password is incorrect."))
    assert user is not None and credential is not None
    if user.suspended_at is not None:
        raise NotAuthenticated(_("This account is suspended."))
    if needs_rehash(credential.password_hash, settings):  # made at another cost: upgrade it
        credential.password_hash = await hash_password(password, settings)
    await repo.record_attempt(email, ip, succeeded=True)
    await repo.touch_last_login(user, now)
    return user


async def record_password_failure(repo: AuthRepository, email: str, ip: str) -> None:
    """A wrong password (log-in or password change): counted by ``refuse_if_throttled``."""
    await repo.record_attempt(email, ip, succeeded=False)


def growing_delay(failures: int, free: int, settings: Settings) -> timedelta:
    """How long to wait after the latest of ``failures`` wrong passwords: nothing for the first
    ``free``, then ``login_delay_seconds``, doubling with each further one, at most
    ``login_max_delay_seconds``."""
    if failures < free:
        return timedelta(0)
    doublings = min(failures - free, 32)  # 2**32 s is past any cap
    seconds = min(settings.login_delay_seconds * 2**doublings, settings.login_max_delay_seconds)
    return timedelta(seconds=seconds)


async def refuse_if_throttled(
    repo: AuthRepository, settings: Settings, email: str, ip: str
) -> None:
    """Refuse (429, with when to retry) an attempt that comes too soon after wrong passwords.

    - Per account and address: after ``login_free_failures`` wrong passwords from one address,
      each further attempt from it waits a delay that doubles (``growing_delay``). Someone guessing
      from elsewhere does not lock the owner out.
    - Per account from addresses it has not logged in from (last 30 days): the same growing delay
      once ``login_max_failures_per_account`` wrong passwords came from anywhere, against guessing
      from many addresses; the owner's usual addresses are spared.
    - Per address across accounts: ``login_max_failures_per_ip`` in 15 minutes (password spraying).

    Wrong passwords count for a day; from one address, only those after its last successful
    log-in.
    Takes the account's attempt lock first (held to the end of the transaction, which records
    this attempt's outcome): concurrent attempts are counted one after another, so no more are
    checked against the password than these rules allow."""
    await repo.lock_attempts_of(email)
    now = now_new_york()
    since = now - FAILURE_MEMORY
    waits = []
    failures, latest = await repo.failures_since(email=email, ip=ip, since=since)
    waits.append((failures, latest, settings.login_free_failures))
    if not await repo.logged_in_from(email, ip, now - KNOWN_ADDRESS):
        failures, latest = await repo.failures_since(email=email, ip=None, since=since)
        waits.append((failures, latest, settings.login_max_failures_per_account))
    retry_after = max(
        (
            latest + growing_delay(failures, free, settings) - now
            for failures, latest, free in waits
            if latest is not None
        ),
        default=timedelta(0),
    )
    if retry_after > timedelta(0):
        seconds = max(1, math.ceil(retry_after.total_seconds()))
        raise RateLimited(
            _("Too many failed log-ins for this account. Try again in {seconds} second(s).").format(
                seconds=seconds
            ),
            retry_after_s=seconds,
        )
    ip_since = window_start(now, THROTTLE_WINDOW_MINUTES)
    if await repo.recent_failures(ip=ip, since=ip_since) >= settings.login_max_failures_per_ip:
        oldest = await repo.oldest_failure_since(email=None, ip=ip, since=ip_since) or now
        left = oldest + timedelta(minutes=THROTTLE_WINDOW_MINUTES) - now
        seconds = max(1, int(left.total_seconds()))
        raise RateLimited(
            _(
                "Too many failed log-ins for your network address. "
                "Try again in {minutes} minute(s)."
            ).format(minutes=-(-seconds // 60)),
            retry_after_s=seconds,
        )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Client:
    """Where a session was opened from, as the security page shows it."""

    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class OpenedSession:
    """A new session or API key: its secret (shown once, never stored), expiry, id and name."""

    secret: str
    expires_at: datetime
    session_id: uuid.UUID
    name: str | None


async def open_session(
    session: AsyncSession,
    settings: Settings,
    user: User,
    kind: SessionKind,
    *,
    client: Client | None = None,
    name: str | None = None,
) -> OpenedSession:
    """A new random secret for a web session or an API token (``name``: an API key's label)."""
    lifetime = (
        timedelta(hours=settings.session_max_age_hours)
        if kind == SessionKind.WEB
        else timedelta(days=settings.api_token_max_age_days)
    )
    secret = ("pit_" if kind == SessionKind.API else "") + secrets.token_urlsafe(32)
    expires_at = now_new_york() + lifetime
    session_id = uuid.uuid4()
    await AuthRepository.from_session(session).add(
        AuthSession(
            session_id=session_id,
            user_id=user.user_id,
            kind=kind,
            token_hash=token_hash(secret),
            expires_at=expires_at,
            name=name,
            ip_address=client.ip if client else None,
            user_agent=client.user_agent[:300] if client and client.user_agent else None,
        )
    )
    return OpenedSession(secret, expires_at, session_id, name)


@dataclass(frozen=True)
class ActiveSession:
    user: User
    session_id: uuid.UUID


async def user_for_secret(
    session: AsyncSession, secret: str, kind: SessionKind
) -> ActiveSession | None:
    """The user of a live session or API token (and the session's id). Marks it seen, at most
    once in ``SEEN_EVERY``: the security page's "last seen" must not cost a write per request."""
    repo = AuthRepository.from_session(session)
    now = now_new_york()
    found = await repo.active_session(token_hash(secret), kind, now)
    if found is None:
        return None
    user, session_id, last_seen_at = found
    if last_seen_at is None or now - last_seen_at >= SEEN_EVERY:
        await repo.mark_seen(session_id, now)
    return ActiveSession(user, session_id)


async def close_session(session: AsyncSession, secret: str) -> None:
    await AuthRepository.from_session(session).revoke_session(token_hash(secret), now_new_york())


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await AuthRepository.from_session(session).user_by_email(email)


async def users_by_ids(session: AsyncSession, user_ids: Sequence[uuid.UUID]) -> list[User]:
    """The users with these ids, in the order given (missing ones left out)."""
    return await AuthRepository.from_session(session).users_by_ids(user_ids)


async def user_by_firebase_uid(session: AsyncSession, uid: str) -> User | None:
    return await AuthRepository.from_session(session).user_by_firebase_uid(uid)


async def set_preferred_locale(session: AsyncSession, user: User, locale: str | None) -> None:
    """The account's language (``en``/``es``), or None to follow the browser."""
    if locale is not None and locale not in SUPPORTED_LOCALES:
        raise Invalid(_("Choose English or Spanish."), field="locale")
    user.preferred_locale = locale
    await session.flush()


async def count_users(session: AsyncSession) -> int:
    return await AuthRepository.from_session(session).count_users()


async def count_users_by_type(session: AsyncSession) -> dict[str, int]:
    return await AuthRepository.from_session(session).count_users_by_type()


def _like_pattern(query: str | None) -> str | None:
    """A substring pattern with LIKE's wildcards in the query taken literally."""
    if not query or not query.strip():
        return None
    escaped = query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def search_users(
    session: AsyncSession, filters: UserFilters, limit: int = 50, cursor: str | None = None
) -> tuple[list[UserRow], str | None]:
    """One page of matching users by email, and the cursor of the next (None: the last page)."""
    bound_to = fingerprint(filters)
    after = USERS.decode_optional(cursor, bound_to=bound_to)
    rows = await AuthRepository.from_session(session).search_users(
        pattern=_like_pattern(filters.q),
        user_type=filters.user_type.value if filters.user_type else None,
        tier=filters.tier.value if filters.tier else None,
        suspended=None if filters.status is None else filters.status == "suspended",
        after=(after[0], after[1]) if after else None,
        limit=limit + 1,
    )
    users = [UserRow(**row) for row in rows]
    return USERS.page(users, limit, key=lambda user: (user.email, user.user_id), bound_to=bound_to)


async def user_facts(session: AsyncSession, user_id: uuid.UUID) -> UserFacts:
    """One user as the admins see them; ``NotFound`` for an unknown id."""
    row = await AuthRepository.from_session(session).user_facts(user_id)
    if row is None:
        raise NotFound(_("No such user."))
    return UserFacts(**row)
