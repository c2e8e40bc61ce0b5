"""Keeping an account: proving its e-mail address, changing it, resetting or changing the
password, and the sessions and API keys it has open.

Every e-mail goes through the configured sender (SendGrid, or the local outbox) in the account's
language. A reset or a change of password revokes every other session and API key: whoever knew
the old password may have opened them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.links import (
    Limit,
    invalid_link,
    issue_link,
    redeem_link,
    require_within_limit,
    within_limit,
)
from propintel.auth.models import AuthSession, LinkPurpose, LocalCredential, SessionKind, User
from propintel.auth.passwords import hash_password, validate_new_password, verify_password
from propintel.auth.repository import AuthRepository
from propintel.auth.service import (
    Client,
    NewAccount,
    OpenedSession,
    normalise_email,
    open_session,
    record_password_failure,
    refuse_if_throttled,
    register,
)
from propintel.config import Settings
from propintel.integrations.email import EmailSender, EmailSendError
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict, Invalid, NotFound
from propintel.kit.i18n import N_, _
from propintel.web.templating import templated_email

log = structlog.get_logger(__name__)

RESEND_VERIFICATION = Limit("verify_email", count=3, minutes=15)
RESET_PER_ADDRESS = Limit("reset_password", count=3, minutes=60)
RESET_PER_NETWORK = Limit("reset_password_ip", count=10, minutes=60)
SIGNUP_NOTICE = Limit("signup_notice", count=3, minutes=60)  # per existing address, silent
MAX_API_KEYS = 20


@dataclass(frozen=True)
class Mailer:
    """What sending an account e-mail needs: the sender, where links point, the link key."""

    sender: EmailSender
    base_url: str
    signing_key: str


async def _deliver(
    mailer: Mailer, user: User, to: str, subject: str, template: str, **context: Any
) -> bool:
    """Send one account e-mail; False (logged, never raised) when the provider refused it, so a
    sign-up or a request still completes and the page can say to try again."""
    message = templated_email(
        to,
        subject,
        template,
        {"base": mailer.base_url.rstrip("/"), **context},
        locale=user.preferred_locale,
        category="account",
        user_id=user.user_id,
    )
    try:
        await mailer.sender.send(message)
    except EmailSendError as error:
        log.warning("account e-mail not sent", template=template, error=str(error))
        return False
    return True


async def send_verification(
    session: AsyncSession, mailer: Mailer, user: User, email: str | None = None
) -> bool:
    """A link proving ``email`` (default: the account's address) to that address."""
    address = email or user.email
    token = await issue_link(session, mailer.signing_key, user, LinkPurpose.VERIFY_EMAIL, address)
    return await _deliver(
        mailer,
        user,
        address,
        N_("Confirm your e-mail address for PropIntel"),
        "verify_email",
        token=token,
        changing=address != user.email,
    )


async def sign_up(
    session: AsyncSession, settings: Settings, mailer: Mailer, account: NewAccount
) -> None:
    """A self-service sign-up that does not tell whether the address already has an account.

    A new address gets its account and a verification link. An address that already has an
    account gets nothing created and nothing changed: its owner is e-mailed a notice (log in, or
    reset the password) instead, at most ``SIGNUP_NOTICE`` times an hour, silently. The caller
    answers both the same ("check your e-mail"). Both paths hash the password, so the time taken
    does not tell either: the hash is most of a sign-up's work. Bad input (the address's form,
    a short password) is refused alike on both paths, before the address is looked up."""
    email = normalise_email(account.email)
    validate_new_password(account.password)
    repo = AuthRepository.from_session(session)
    existing = await repo.user_by_email(email)
    if existing is None:
        try:
            async with session.begin_nested():
                user = await register(session, settings, account)
        except IntegrityError:  # the same address signed up twice at once: the other one won
            existing = await repo.user_by_email(email)
            if existing is None:
                raise
        else:
            await send_verification(session, mailer, user)
            return
    await hash_password(account.password, settings)  # the same work as a new account's, unused
    await _notify_existing(session, mailer, existing)


def signup_sent_message(email: str) -> str:
    """What a sign-up answers, new address or not (the page's notice, the API's message)."""
    return _(
        "Check your e-mail: we sent a message to {email}. Follow its link to confirm your "
        "address, then log in."
    ).format(email=email.strip().lower())


async def _notify_existing(session: AsyncSession, mailer: Mailer, user: User) -> None:
    """Tell an account's owner someone tried to sign up with its address (in its language)."""
    if user.suspended_at is not None or user.erased_at is not None:
        return
    if not await within_limit(session, SIGNUP_NOTICE, user.email):
        return
    await _deliver(
        mailer,
        user,
        user.email,
        N_("Someone tried to create a PropIntel account with your e-mail address"),
        "signup_notice",
    )


async def resend_verification(session: AsyncSession, mailer: Mailer, user: User) -> bool:
    if user.email_verified:
        raise Conflict(_("Your e-mail address is already verified."))
    await require_within_limit(session, RESEND_VERIFICATION, str(user.user_id))
    return await send_verification(session, mailer, user)


async def verify_email(session: AsyncSession, mailer: Mailer, token: str) -> User:
    """Spend a verification link: the address it proves becomes the account's, verified. When it
    replaces another address, the old one is told."""
    link = await redeem_link(session, mailer.signing_key, token, LinkPurpose.VERIFY_EMAIL)
    repo = AuthRepository.from_session(session)
    user = await repo.user_by_id(link.user_id)
    if user is None or user.suspended_at is not None:
        raise invalid_link()
    previous = user.email
    if link.email != previous:
        holder = await repo.user_by_email(link.email)
        if holder is not None and holder.user_id != user.user_id:
            raise Conflict(_("Another account now uses this e-mail address."), field="email")
    await repo.mark_email_verified(user, link.email, now_new_york())
    if link.email != previous:
        await _deliver(
            mailer,
            user,
            previous,
            N_("Your PropIntel e-mail address was changed"),
            "email_changed",
            new_email=link.email,
        )
    return user


async def _check_password(
    session: AsyncSession, settings: Settings, user: User, password: str, ip: str
) -> LocalCredential | None:
    """The account's credential when ``password`` is its current one (throttled like a log-in);
    an account without a local password (Firebase only) has nothing to check."""
    repo = AuthRepository.from_session(session)
    credential = await repo.credential_for(user.user_id)
    if credential is None:
        return None
    await refuse_if_throttled(repo, settings, user.email, ip)
    if not await verify_password(credential.password_hash, password, settings):
        await record_password_failure(repo, user.email, ip)
        raise Invalid(_("Your current password is not correct."), field="current_password")
    return credential


async def request_email_change(
    session: AsyncSession,
    settings: Settings,
    mailer: Mailer,
    user: User,
    new_email: str,
    password: str,
    ip: str,
) -> bool:
    """Send a link to ``new_email``; the account's address changes when it is followed."""
    address = normalise_email(new_email)
    if address == user.email:
        raise Invalid(_("That is already your e-mail address."), field="email")
    await _check_password(session, settings, user, password, ip)
    if await AuthRepository.from_session(session).user_by_email(address) is not None:
        raise Conflict(_("An account with this email already exists."), field="email")
    await require_within_limit(session, RESEND_VERIFICATION, str(user.user_id))
    return await send_verification(session, mailer, user, address)


async def request_password_reset(
    session: AsyncSession, mailer: Mailer, email: str, ip: str
) -> None:
    """Send a reset link when ``email`` is an account's. The caller answers the same whether or
    not it is: only the network's own limit (429) is ever said out loud."""
    await require_within_limit(session, RESET_PER_NETWORK, ip)
    repo = AuthRepository.from_session(session)
    user = await repo.user_by_email(email.strip().lower())
    if user is None or user.suspended_at is not None:
        return
    if not await within_limit(session, RESET_PER_ADDRESS, user.email):
        return
    token = await issue_link(
        session, mailer.signing_key, user, LinkPurpose.RESET_PASSWORD, user.email
    )
    await _deliver(
        mailer,
        user,
        user.email,
        N_("Reset your PropIntel password"),
        "reset_password",
        token=token,
    )


async def reset_password(
    session: AsyncSession, settings: Settings, signing_key: str, token: str, new_password: str
) -> User:
    """Spend a reset link: the new password replaces the old, every session and API key of the
    account is revoked, and the address is proven (the link reached it)."""
    validate_new_password(new_password)
    link = await redeem_link(session, signing_key, token, LinkPurpose.RESET_PASSWORD)
    repo = AuthRepository.from_session(session)
    user = await repo.user_by_id(link.user_id)
    if user is None or user.suspended_at is not None or link.email != user.email:
        raise invalid_link()
    await _store_password(session, settings, user, new_password)
    now = now_new_york()
    await repo.revoke_sessions(user.user_id, now)
    if not user.email_verified:
        await repo.mark_email_verified(user, user.email, now)
    return user


async def _store_password(
    session: AsyncSession, settings: Settings, user: User, password: str
) -> None:
    repo = AuthRepository.from_session(session)
    password_hash = await hash_password(password, settings)
    credential = await repo.credential_for(user.user_id)
    if credential is None:
        await repo.add(LocalCredential(user_id=user.user_id, password_hash=password_hash))
        return
    credential.password_hash = password_hash
    credential.password_changed_at = now_new_york()
    await session.flush()


async def change_password(
    session: AsyncSession,
    settings: Settings,
    user: User,
    current_password: str,
    new_password: str,
    *,
    ip: str,
    keep: uuid.UUID | None,
) -> int:
    """Replace the password (the current one required) and revoke every other session and API
    key (``keep``: the one making this change). Returns how many were revoked."""
    credential = await _check_password(session, settings, user, current_password, ip)
    if credential is None:
        raise Invalid(
            _("This account signs in with Firebase. Use “Forgot your password?” to add one."),
            field="current_password",
        )
    validate_new_password(new_password)
    if current_password == new_password:
        raise Invalid(_("Choose a password different from the current one."), field="new_password")
    await _store_password(session, settings, user, new_password)
    return await AuthRepository.from_session(session).revoke_sessions(
        user.user_id, now_new_york(), keep=keep
    )


# User-Agent tokens, most specific first (Edge and Opera also say "Chrome", Chrome says "Safari").
BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-httpx/", "Python"),
)
SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


@dataclass(frozen=True)
class SessionRow:
    """A session or API key as the security page lists it (never its secret)."""

    session_id: uuid.UUID
    kind: str
    name: str | None
    created_at: datetime
    last_seen_at: datetime | None
    expires_at: datetime
    ip_address: str | None
    user_agent: str | None
    current: bool

    @property
    def browser(self) -> str:
        """ "Chrome on Windows": enough to recognise one's own devices (the full string is kept)."""
        agent = self.user_agent or ""
        browser = next((name for token, name in BROWSERS if token in agent), None)
        system = next((name for token, name in SYSTEMS if token in agent), None)
        if browser and system:
            return _("{browser} on {system}").format(browser=browser, system=system)
        return browser or system or agent[:60] or _("Unknown browser")

    @classmethod
    def of(cls, row: AuthSession, current: uuid.UUID | None) -> SessionRow:
        return cls(
            row.session_id,
            row.kind,
            row.name,
            row.created_at,
            row.last_seen_at,
            row.expires_at,
            row.ip_address,
            row.user_agent,
            row.session_id == current,
        )


@dataclass(frozen=True)
class OpenSessions:
    web: list[SessionRow]
    api_keys: list[SessionRow]


async def open_sessions(
    session: AsyncSession, user: User, current: uuid.UUID | None
) -> OpenSessions:
    rows = await AuthRepository.from_session(session).live_sessions(user.user_id, now_new_york())
    listed = [SessionRow.of(row, current) for row in rows]
    return OpenSessions(
        web=[row for row in listed if row.kind == SessionKind.WEB],
        api_keys=[row for row in listed if row.kind == SessionKind.API],
    )


async def revoke(
    session: AsyncSession, user: User, session_id: uuid.UUID, kind: SessionKind
) -> None:
    """Log out one session, or revoke one API key, of this account (``NotFound`` otherwise)."""
    revoked = await AuthRepository.from_session(session).revoke_sessions(
        user.user_id, now_new_york(), only=session_id, kind=kind
    )
    if not revoked:
        raise NotFound(_("No such session or API key on your account."))


async def revoke_other_sessions(session: AsyncSession, user: User, keep: uuid.UUID | None) -> int:
    """Log out every other browser (API keys stay: they are revoked one by one)."""
    return await AuthRepository.from_session(session).revoke_sessions(
        user.user_id, now_new_york(), keep=keep, kind=SessionKind.WEB
    )


async def create_api_key(
    session: AsyncSession, settings: Settings, user: User, name: str, client: Client
) -> OpenedSession:
    """A named API key; its secret is returned once and only its hash is kept."""
    label = " ".join(name.split())
    if not 1 <= len(label) <= 100:
        raise Invalid(_("Name the key (1 to 100 characters)."), field="name")
    listed = await open_sessions(session, user, None)
    if len(listed.api_keys) >= MAX_API_KEYS:
        raise Conflict(
            _("You have {count} API keys, the most allowed. Revoke one first.").format(
                count=MAX_API_KEYS
            )
        )
    return await open_session(session, settings, user, SessionKind.API, client=client, name=label)
