"""What happens to an owner e-mail after it is sent: SendGrid's signed events (opened, clicked,
bounced, unsubscribed, reported as spam), replies through Inbound Parse, and the one-click
unsubscribe link (docs/outreach/email.md).

Intake verifies first and stores through the webhook inbox (``inbox.service.receive``): events
once per ``sg_event_id``, a reply once per hash of its raw post; the job
``outreach.handle_email_event`` applies each once. The offline simulator of the outbox builds the
same signed events and the same posts and hands them to the same functions.

Matching: an event names its e-mail by ``sg_message_id``, which starts with the ``X-Message-Id``
we stored (``<id>.filter…``): the log whose id is the longest dot-separated prefix of it. A reply
is matched by the ``reply+{log_id}@`` tag of the address it was sent to, else by the message ids
in its ``In-Reply-To`` / ``References`` headers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings
from propintel.inbox import service as inbox
from propintel.inbox.service import StoredEvent
from propintel.integrations.email import EmailMessage, EmailSendError, EmailSenders
from propintel.integrations.sendgrid import events as sendgrid_events
from propintel.kit import i18n
from propintel.kit.clock import NEW_YORK, now_new_york
from propintel.kit.errors import Forbidden, NotFound
from propintel.kit.i18n import _
from propintel.outreach import compliance
from propintel.outreach.email_content import log_of_token, tagged_log_ids
from propintel.outreach.email_outreach import sender_facts
from propintel.outreach.email_repository import EmailLog, EmailRepository
from propintel.outreach.targets import lead_target
from propintel.web.templating import templated_email

logger = logging.getLogger("propintel.outreach.email")

SOURCE = "sendgrid"
HANDLE_EVENT_JOB = "outreach.handle_email_event"
INBOUND = "inbound"
INBOUND_FIELDS = ("from", "to", "subject", "text", "headers", "envelope")
MAX_FIELD = 100_000  # characters kept of each field of a reply
OPT_OUT_EVENTS = frozenset({"unsubscribe", "group_unsubscribe", "spamreport"})
BOUNCE_EVENTS = frozenset({"bounce", "dropped"})
_MESSAGE_IDS = re.compile(r"<([^<>\s]+)>")


class EventsRefused(Forbidden):
    def __init__(self) -> None:
        super().__init__("Invalid or missing event signature.")


def _new_york(seconds: Any) -> datetime:
    """A Unix time (an event's ``timestamp``) as naive New York time; now when there is none."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return now_new_york()
    return datetime.fromtimestamp(seconds, UTC).astimezone(NEW_YORK).replace(tzinfo=None)


# ---- intake --------------------------------------------------------------------------------------


async def receive_events(
    session: AsyncSession,
    settings: Settings,
    raw_body: bytes,
    signature: str | None,
    timestamp: str | None,
    *,
    now_unix: float | None = None,
) -> int:
    """Verify a batch (``EventsRefused``, 403: nothing is stored), then store each event once
    and defer its handling. Returns how many were new (replays count 0)."""
    try:
        batch = sendgrid_events.verified_events(
            raw_body,
            signature,
            timestamp,
            sendgrid_events.verification_key(settings),
            time.time() if now_unix is None else now_unix,
        )
    except sendgrid_events.BadEventSignature as error:
        logger.warning("sendgrid events refused", extra={"fields": {"reason": str(error)}})
        raise EventsRefused() from None
    stored = 0
    for event in batch:
        event_id = str(event.get("sg_event_id") or "")[:255]
        kind = str(event.get("event") or "")[:100]
        if not event_id or not kind:
            continue
        new = await inbox.receive(
            session,
            source=SOURCE,
            event_id=event_id,
            event_type=kind,
            created=_new_york(event.get("timestamp")),
            payload=json.dumps(event),
            handler_job=HANDLE_EVENT_JOB,
        )
        stored += new is not None
    return stored


async def receive_reply(
    session: AsyncSession,
    settings: Settings,
    secret: str,
    fields: Mapping[str, str],
    raw_body: bytes,
    *,
    now: datetime,
) -> bool:
    """An Inbound Parse post: ``NotFound`` unless ``secret`` is ours (the URL's path); stored
    once (by the hash of its raw body) for the job. True when new."""
    if not sendgrid_events.inbound_secret_matches(settings, secret):
        raise NotFound(_("There is nothing here."))
    payload = {name: str(fields.get(name) or "")[:MAX_FIELD] for name in INBOUND_FIELDS}
    digest = hashlib.sha256(raw_body).hexdigest()
    new = await inbox.receive(
        session,
        source=SOURCE,
        event_id=f"inbound:{digest}",
        event_type=INBOUND,
        created=now,
        payload=json.dumps(payload),
        handler_job=HANDLE_EVENT_JOB,
    )
    return new is not None


# ---- handling ------------------------------------------------------------------------------------


def _prefixes(message_id: str) -> list[str]:
    """``a.b.c`` → ``[a, a.b, a.b.c]``: the ids an event's ``sg_message_id`` may start with."""
    parts = message_id.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


async def _log_of_event(repo: EmailRepository, event: Mapping[str, Any]) -> EmailLog | None:
    message_id = str(event.get("sg_message_id") or "")
    if message_id:
        return await repo.log_by_message_ids(_prefixes(message_id))
    try:
        return await repo.log(uuid.UUID(str(event.get("log_id"))))
    except ValueError:
        return None


async def _opt_out(
    session: AsyncSession, repo: EmailRepository, log: EmailLog, reason: str, at: datetime
) -> bool:
    """The owner wants no more e-mail from this subscriber: the guard's opt-out (for good), the
    log's ``unsubscribed_at``, every open sequence to the address paused."""
    first = await repo.set_first(log.log_id, "unsubscribed_at", at)
    await compliance.record_opt_out(
        session, user_id=log.user_id, contact=log.to_email, channel="email", reason=reason
    )
    sequences = await repo.open_sequences_to(log.user_id, log.to_email)
    await repo.pause_open_sequences(sequences, "opted_out", now_new_york())
    return first


async def _apply_event(
    session: AsyncSession, kind: str, event: Mapping[str, Any], at: datetime
) -> str:
    repo = EmailRepository.from_session(session)
    log = await _log_of_event(repo, event)
    if log is None:
        if event.get("log_id"):  # ours, and its log row not committed yet: the job retries
            raise LookupError("the e-mail of this event is not recorded yet")
        return f"{kind}: not an e-mail to an owner"
    if kind == "open":
        first = await repo.set_first(log.log_id, "opened_at", at)
    elif kind == "click":
        first = await repo.set_first(log.log_id, "clicked_at", at)
        await repo.set_first(log.log_id, "opened_at", at)  # a click is an open the pixel missed
    elif kind in BOUNCE_EVENTS:
        first = await repo.set_first(log.log_id, "bounced_at", at)
        await repo.set_status(log.log_id, "bounced")
        if log.sequence_id is not None:
            await repo.pause_open_sequences([log.sequence_id], "bounced", now_new_york())
    elif kind in OPT_OUT_EVENTS:
        first = await _opt_out(session, repo, log, kind, at)
    else:
        return f"{kind}: ignored"
    return f"{kind}: {'recorded' if first else 'already recorded'}"


def _reply_message_ids(headers: str) -> list[str]:
    """The message ids of a reply's ``In-Reply-To`` and ``References`` headers (their local
    part, which starts with the provider's message id), with their dot-separated prefixes."""
    found: list[str] = []
    for line in headers.splitlines():
        name, _sep, value = line.partition(":")
        if name.strip().lower() in ("in-reply-to", "references"):
            for message_id in _MESSAGE_IDS.findall(value):
                found.extend(_prefixes(message_id.split("@")[0]))
    return list(dict.fromkeys(found))


async def _log_of_reply(repo: EmailRepository, reply: Mapping[str, str]) -> EmailLog | None:
    envelope_to = ""
    try:
        envelope = json.loads(reply.get("envelope") or "{}")
        envelope_to = " ".join(envelope.get("to") or []) if isinstance(envelope, dict) else ""
    except (ValueError, TypeError):
        envelope_to = ""
    for log_id in tagged_log_ids(reply.get("to"), envelope_to):
        log = await repo.log(log_id)
        if log is not None:
            return log
    return await repo.log_by_message_ids(_reply_message_ids(reply.get("headers") or ""))


async def _apply_reply(
    session: AsyncSession,
    reply: Mapping[str, str],
    at: datetime,
    senders: EmailSenders,
    settings: Settings,
) -> str:
    repo = EmailRepository.from_session(session)
    log = await _log_of_reply(repo, reply)
    if log is None:
        return "reply: no thread"
    first = await repo.set_first(log.log_id, "replied_at", at)
    if log.sequence_id is not None:
        await repo.pause_open_sequences([log.sequence_id], "replied", now_new_york())
    if first:
        await _forward_reply(session, repo, log, reply, senders, settings)
    return f"reply: {'recorded' if first else 'already recorded'}"


async def _forward_reply(
    session: AsyncSession,
    repo: EmailRepository,
    log: EmailLog,
    reply: Mapping[str, str],
    senders: EmailSenders,
    settings: Settings,
) -> None:
    """Tell the subscriber, with the reply's text: replies come to our address, not theirs."""
    user = await repo.user(log.user_id)
    if user is None or log.lead_id is None:
        return
    target = await lead_target(session, user, log.lead_id)
    locale = user.preferred_locale or i18n.DEFAULT_LOCALE
    base = settings.public_base_url.rstrip("/")
    with i18n.using_locale(locale):
        subject = _("Reply from the owner of {address}").format(address=target.address)
    message: EmailMessage = templated_email(
        user.email,
        subject,
        "owner_reply",
        {
            "address": target.address,
            "subject": log.email_subject,
            "reply_from": reply.get("from") or "",
            "reply_subject": reply.get("subject") or "",
            "reply_text": (reply.get("text") or "").strip(),
            "lead_url": f"{base}/leads/{log.lead_id}/outreach",
        },
        locale=locale,
        category="owner_reply",
        user_id=user.user_id,
        reply_to=_address_of(reply.get("from") or "") or None,
    )
    try:
        await senders(session).send(message)
    except EmailSendError as error:  # the reply is recorded; only the notice is lost
        logger.warning("reply notice not sent", extra={"fields": {"error": str(error)}})


def _address_of(sender: str) -> str:
    return parseaddr(sender)[1]


async def handle_event(
    session: AsyncSession, event_pk: uuid.UUID, *, senders: EmailSenders, settings: Settings
) -> str:
    """Apply one stored event once (``inbox.handle``: a second run finds it processed)."""

    async def apply(db: AsyncSession, event: StoredEvent) -> str:
        payload = event.payload if isinstance(event.payload, dict) else {}
        if event.event_type == INBOUND:
            return await _apply_reply(db, payload, event.event_created, senders, settings)
        return await _apply_event(db, event.event_type, payload, event.event_created)

    return await inbox.handle(session, event_pk, apply)


# ---- unsubscribe ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unsubscribe:
    log_id: uuid.UUID
    business_name: str
    done: bool  # already unsubscribed from this e-mail


async def unsubscribe_of(session: AsyncSession, settings: Settings, token: str) -> Unsubscribe:
    """What an unsubscribe link stands for (``NotFound`` for a link we did not make)."""
    log_id = log_of_token(settings, token)
    repo = EmailRepository.from_session(session)
    log = await repo.log(log_id) if log_id is not None else None
    if log is None:
        raise NotFound(_("This unsubscribe link is not valid (or the e-mail is too old)."))
    user = await repo.user(log.user_id)
    facts = await sender_facts(session, user) if user is not None else None
    name = facts.business_name if facts else ""
    return Unsubscribe(log.log_id, name, log.unsubscribed_at is not None)


async def unsubscribe(
    session: AsyncSession, settings: Settings, token: str, *, now: datetime
) -> Unsubscribe:
    """One-click unsubscribe (RFC 8058): the owner opts out of this subscriber's e-mail for good.
    Idempotent."""
    found = await unsubscribe_of(session, settings, token)
    repo = EmailRepository.from_session(session)
    log = await repo.log(found.log_id)
    assert log is not None
    await _opt_out(session, repo, log, "unsubscribe_link", now)
    return Unsubscribe(found.log_id, found.business_name, True)
