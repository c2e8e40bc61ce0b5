"""Twilio's SMS webhooks: replies (``POST /webhooks/twilio/sms``) and delivery reports
(``POST /webhooks/twilio/sms-status``), from Twilio or from the offline simulator, which signs its
posts the same way and hands them to the same functions.

Intake verifies ``X-Twilio-Signature`` first — on the public URL Twilio was given
(``PROPINTEL_PUBLIC_BASE_URL`` + path) and the form — with the account's auth token (offline, the
derived one); a bad signature stores nothing. Then the inbox stores the event once (source
``twilio``; a reply by its MessageSid, a report by ``MessageSid:MessageStatus``) and defers
``outreach.twilio_sms_event``, which handles it once:

- a reply goes to the thread of the latest text we sent from its ``To`` to its ``From`` (stored
  unread; the subscriber is e-mailed); an opt-out keyword (STOP, ALTO, …) is honoured at once
  through the compliance guard. Twilio itself answers STOP with its opt-out confirmation and
  blocks further texts on that pair of numbers, so we send no reply. A reply that matches no
  thread is stored nowhere (outcome "no thread"), but its opt-out keyword is still honoured,
  platform-wide.
- a report moves the text's delivery status forward (reports arrive in any order); ``failed`` or
  ``undelivered`` refunds its tokens, once.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings, get_settings
from propintel.inbox import service as inbox
from propintel.inbox.service import StoredEvent
from propintel.integrations.email import EmailSendError
from propintel.integrations.local import sms as local_sms
from propintel.integrations.providers import configured_email_senders
from propintel.integrations.sms import webhook_auth_token
from propintel.integrations.twilio.signature import is_valid, signature
from propintel.jobs.enqueue import defer_in_transaction
from propintel.kit import i18n
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Forbidden, Invalid
from propintel.kit.i18n import N_
from propintel.kit.phones import normalize_phone
from propintel.outreach import compliance
from propintel.outreach.sms import INBOUND_PATH, STATUS_PATH, public_url
from propintel.outreach.sms_repository import INBOUND, SmsRepository
from propintel.tokens import service as tokens
from propintel.tokens.errors import AlreadyRefunded
from propintel.web.templating import templated_email

logger = logging.getLogger("propintel.outreach.sms")

SOURCE = "twilio"
INBOUND_EVENT = "sms.inbound"
STATUS_EVENT = "sms.status"
HANDLE_EVENT_JOB = "outreach.twilio_sms_event"
SIMULATE_DELIVERY_JOB = "outreach.sms_simulate_delivery"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
# A report for a text we have not stored yet may be racing the send's commit: retried this long.
REPORT_WAIT = timedelta(minutes=10)
FAILED = frozenset({"failed", "undelivered"})
# Delivery statuses in the order a text goes through them; a report never moves one back.
_RANK = {
    "accepted": 0,
    "queued": 0,
    "scheduled": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "canceled": 3,
    "read": 4,
}
EMAIL_CATEGORY = "sms_reply"
REPLY_SUBJECT = N_("The owner replied to your text")


class BadTwilioSignature(Forbidden):
    def __init__(self) -> None:
        super().__init__("Invalid Twilio signature.")


class NotAMessageEvent(Invalid):
    def __init__(self) -> None:
        super().__init__("Not a Twilio message event: no MessageSid.")


def verify(settings: Settings, path: str, params: Mapping[str, str], signature: str | None) -> None:
    """``BadTwilioSignature`` (403) unless ``signature`` signs this form posted to ``path``."""
    if not is_valid(webhook_auth_token(settings), public_url(settings, path), params, signature):
        raise BadTwilioSignature()


async def receive_reply(
    session: AsyncSession, settings: Settings, params: Mapping[str, str], signature: str | None
) -> uuid.UUID | None:
    """Verify and store a reply once; None for a replay."""
    verify(settings, INBOUND_PATH, params, signature)
    sid = params.get("MessageSid") or params.get("SmsSid") or ""
    return await _receive(session, sid, INBOUND_EVENT, params)


async def receive_report(
    session: AsyncSession, settings: Settings, params: Mapping[str, str], signature: str | None
) -> uuid.UUID | None:
    """Verify and store a delivery report once; None for a replay."""
    verify(settings, STATUS_PATH, params, signature)
    sid = params.get("MessageSid") or params.get("SmsSid") or ""
    status = params.get("MessageStatus") or params.get("SmsStatus") or ""
    return await _receive(session, f"{sid}:{status}", STATUS_EVENT, params)


async def _receive(
    session: AsyncSession, event_id: str, event_type: str, params: Mapping[str, str]
) -> uuid.UUID | None:
    if not event_id.strip(":"):
        raise NotAMessageEvent()  # signed, but not a message event: nothing to store
    return await inbox.receive(
        session,
        source=SOURCE,
        event_id=event_id,
        event_type=event_type,
        created=now_new_york(),
        payload=json.dumps(dict(params)),
        handler_job=HANDLE_EVENT_JOB,
    )


# --- handling (the job) ---------------------------------------------------------------------------


async def handle_event(session: AsyncSession, event_pk: uuid.UUID) -> str:
    return await inbox.handle(session, event_pk, _handle)


async def _handle(session: AsyncSession, event: StoredEvent) -> str:
    payload = {str(k): str(v) for k, v in dict(event.payload or {}).items()}
    if event.event_type == INBOUND_EVENT:
        return await _reply(session, payload, now_new_york())
    if event.event_type == STATUS_EVENT:
        return await _report(session, payload, event.event_created, now_new_york())
    return "ignored"


class ReportTooEarly(Exception):
    """A report for a text not stored yet (its send may not have committed): retry later."""


async def _reply(session: AsyncSession, payload: dict[str, str], now: datetime) -> str:
    sender = normalize_phone(payload.get("To"))
    contact = normalize_phone(payload.get("From"))
    body = payload.get("Body", "")
    if sender is None or contact is None:
        return "not a phone number"
    repo = SmsRepository.from_session(session)
    thread = await repo.latest_outbound(sender, contact)
    if thread is None:
        keyword = await compliance.honour_opt_out_keyword(
            session, user_id=None, contact=contact, body=body
        )
        return f"no thread; opted out ({keyword})" if keyword else "no thread"
    stored = await repo.add_message(
        conversation_id=uuid.uuid4(),
        user_id=thread.user_id,
        lead_id=thread.lead_id,
        role=INBOUND,
        body=body,
        contact=contact,
        sender=sender,
        provider_message_id=payload.get("MessageSid") or None,
        delivery_status="received",
        at=now,
    )
    keyword = await compliance.honour_opt_out_keyword(
        session, user_id=thread.user_id, contact=contact, body=body
    )
    if not stored:
        return "already stored"
    await _notify(session, thread.user_id, thread.lead_id, contact, body, keyword)
    return f"stored; opted out ({keyword})" if keyword else "stored"


async def _notify(
    session: AsyncSession,
    user_id: uuid.UUID,
    lead_id: uuid.UUID,
    contact: str,
    body: str,
    keyword: str | None,
) -> None:
    """E-mail the subscriber that the owner replied (a failure to e-mail is logged: the reply is
    stored and counted unread on the lead either way)."""
    user = await SmsRepository.from_session(session).subscriber(user_id)
    if user is None:
        return
    locale = user.preferred_locale or i18n.DEFAULT_LOCALE
    message = templated_email(
        user.email,
        REPLY_SUBJECT,
        "sms_reply",
        {
            "body": body,
            "contact": contact,
            "lead_url": public_url_of_lead(lead_id),
            "keyword": keyword,
        },
        locale=locale,
        category=EMAIL_CATEGORY,
        user_id=user.user_id,
    )
    try:
        await configured_email_senders()(session).send(message)
    except EmailSendError as error:
        logger.warning("sms reply notification not sent", extra={"fields": {"error": str(error)}})


def public_url_of_lead(lead_id: uuid.UUID) -> str:
    return public_url(get_settings(), f"/leads/{lead_id}/outreach#sms")


async def _report(
    session: AsyncSession, payload: dict[str, str], received: datetime, now: datetime
) -> str:
    sid = payload.get("MessageSid") or payload.get("SmsSid") or ""
    status = (payload.get("MessageStatus") or payload.get("SmsStatus") or "").lower()
    repo = SmsRepository.from_session(session)
    text = await repo.lock_outbound(sid)
    if text is None:
        if now - received < REPORT_WAIT:
            raise ReportTooEarly(sid)
        return "unknown message"
    if _RANK.get(status, -1) <= _RANK.get(text.delivery_status or "queued", 0):
        return f"kept {text.delivery_status}"
    await repo.set_delivery_status(text.conversation_id, status)
    if status in FAILED and text.usage_log_id is not None:
        try:
            await tokens.refund(
                session,
                text.user_id,
                text.usage_log_id,
                f"SMS {sid} {status}",
                now=now,
            )
        except AlreadyRefunded:
            return f"{status}; already refunded"
        return f"{status}; refunded"
    return status


# --- the offline simulator's deliveries -------------------------------------------------------


async def defer_delivery(session: AsyncSession, sid: str) -> object:
    """Called by the simulator for each queued text: deliver it after this transaction commits."""
    return await defer_in_transaction(session, SIMULATE_DELIVERY_JOB, message_sid=sid)


async def simulate_delivery(session: AsyncSession, settings: Settings, sid: str) -> list[str]:
    """Carry a queued text of the offline network: each status posted, signed, to our own
    delivery-report intake (exactly what Twilio does)."""

    async def post(url: str, params: dict[str, str], signature: str) -> object:
        return await receive_report(session, settings, params, signature)

    return await local_sms.deliver(session, sid, webhook_auth_token(settings), post)


async def simulate_reply(
    session: AsyncSession, settings: Settings, *, from_: str, to: str, body: str
) -> uuid.UUID | None:
    """A reply typed on the simulated phone: stored on the network and posted, signed, to our
    reply intake."""
    params = await local_sms.reply(session, from_=from_, to=to, body=body)
    token = webhook_auth_token(settings)
    return await receive_reply(
        session, settings, params, signature(token, public_url(settings, INBOUND_PATH), params)
    )
