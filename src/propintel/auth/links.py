"""Single-use e-mail links (verify an address, reset a password) and the rate limits on asking
for them.

A link carries a random secret inside a signed, timestamped token. Three things must hold for it
to work: the signature (a tampered or foreign token fails before the database is read), its age
(``max_age`` of its purpose), and the stored link (only the secret's SHA-256 is kept, and
``used_at`` makes it single-use). The secret never touches the database or the logs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import AccountLink, LinkPurpose, User
from propintel.auth.repository import AuthRepository, window_start
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Invalid, RateLimited
from propintel.kit.i18n import _

LIFETIMES = {
    LinkPurpose.VERIFY_EMAIL: timedelta(hours=48),
    LinkPurpose.RESET_PASSWORD: timedelta(hours=1),
}


@dataclass(frozen=True)
class Limit:
    """At most ``count`` requests of ``action`` per subject in ``minutes``."""

    action: str
    count: int
    minutes: int


def _serializer(signing_key: str, purpose: LinkPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_key, salt=f"propintel.account-link.{purpose.value}")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue_link(
    session: AsyncSession, signing_key: str, user: User, purpose: LinkPurpose, email: str
) -> str:
    """A new link token for ``user``; ``email``: the address a verification link proves. The
    account's older unused links of that purpose stop working: only the newest one counts (an old
    verification link must not bring back an address the account has since changed)."""
    repo = AuthRepository.from_session(session)
    await repo.retire_links(user.user_id, purpose, now_new_york())
    secret = secrets.token_urlsafe(32)
    link = AccountLink(
        link_id=uuid.uuid4(),
        user_id=user.user_id,
        purpose=purpose,
        email=email,
        secret_hash=_hash(secret),
        expires_at=now_new_york() + LIFETIMES[purpose],
    )
    await repo.add(link)
    return _serializer(signing_key, purpose).dumps([str(link.link_id), secret])


def invalid_link() -> Invalid:
    return Invalid(_("This link is invalid, expired or already used. Ask for a new one."))


async def redeem_link(
    session: AsyncSession, signing_key: str, token: str, purpose: LinkPurpose
) -> AccountLink:
    """The link behind ``token``, now spent; ``Invalid`` (saying nothing more) when the token is
    tampered, too old, unknown, already used or of another purpose."""
    max_age = int(LIFETIMES[purpose].total_seconds())
    try:
        link_id, secret = _serializer(signing_key, purpose).loads(token, max_age=max_age)
        link_uuid = uuid.UUID(str(link_id))
    except (BadData, ValueError, TypeError) as error:
        raise invalid_link() from error
    now = now_new_york()
    link = await AuthRepository.from_session(session).lock_link(link_uuid)
    if (
        link is None
        or link.purpose != purpose
        or not hmac.compare_digest(link.secret_hash, _hash(str(secret)))
        or link.used_at is not None
        or link.expires_at <= now
    ):
        raise invalid_link()
    link.used_at = now
    await session.flush()
    return link


async def within_limit(
    session: AsyncSession, limit: Limit, subject: str, *, record: bool = True
) -> bool:
    """Is another ``limit.action`` for ``subject`` allowed now? Counts this one when it is (and
    ``record``)."""
    repo = AuthRepository.from_session(session)
    now = now_new_york()
    since = window_start(now, limit.minutes)
    if await repo.count_requests(limit.action, subject, since) >= limit.count:
        return False
    if record:
        await repo.record_request(limit.action, subject)
    return True


async def require_within_limit(session: AsyncSession, limit: Limit, subject: str) -> None:
    """Like ``within_limit``, but refuses with 429 and when to retry."""
    if not await within_limit(session, limit, subject):
        raise RateLimited(
            _("Too many requests. Try again in {minutes} minute(s).").format(minutes=limit.minutes),
            retry_after_s=limit.minutes * 60,
        )
