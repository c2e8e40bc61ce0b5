"""The offline SMS network: the local adapter and the phone simulator's side of it.

``LocalSms.send`` stores the text (``local_sms_messages``, status ``queued``) in the caller's
transaction and hands its id to ``on_queued`` (outreach defers the delivery job there). The
delivery (``deliver``) then does what a carrier and Twilio would: the text becomes ``sent``, then
``delivered`` — or ``undelivered`` when the recipient's number ends in 0000, so a failed delivery
and its refund can be tried — and each status is posted to the message's status callback as
Twilio posts it: a form signed with ``X-Twilio-Signature``. A reply typed on the simulated phone
(``reply``) is stored and shaped as Twilio's inbound webhook. Nothing leaves the machine.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.local.sms_repository import LocalSmsRepository, LocalText
from propintel.integrations.sms import SentSms, segments
from propintel.integrations.twilio.signature import signature

PROVIDER = "local"
# Twilio's shape for the ids the simulator makes up.
ACCOUNT_SID = "AC" + "0" * 32
API_VERSION = "2010-04-01"
# A recipient whose number ends so never gets the text: Twilio's 30003 (unreachable handset).
UNDELIVERABLE_SUFFIX = "0000"
UNDELIVERED_ERROR_CODE = "30003"

__all__ = ["LocalSms", "LocalText", "deliver", "new_sid", "reply", "texts"]

OnQueued = Callable[[str], Awaitable[object]]
# Posts a signed form to one of our webhooks' code path: (url, params, X-Twilio-Signature).
Post = Callable[[str, dict[str, str], str], Awaitable[object]]


def new_sid() -> str:
    """A message id shaped like Twilio's: ``SM`` and 32 hex digits."""
    return "SM" + secrets.token_hex(16)


class LocalSms:
    provider = PROVIDER

    def __init__(self, session: AsyncSession, on_queued: OnQueued | None = None) -> None:
        self.session = session
        self.on_queued = on_queued

    async def send(self, to: str, from_: str, body: str, status_callback: str) -> SentSms:
        sid = new_sid()
        await LocalSmsRepository.from_session(self.session).insert(
            sid=sid,
            from_number=from_,
            to_number=to,
            body=body,
            status="queued",
            status_callback=status_callback,
        )
        if self.on_queued is not None:
            await self.on_queued(sid)
        return SentSms(sid=sid, status="queued")


def delivery_statuses(to: str) -> tuple[str, ...]:
    """The statuses a text to ``to`` goes through after ``queued``."""
    if to.endswith(UNDELIVERABLE_SUFFIX):
        return ("sent", "undelivered")
    return ("sent", "delivered")


def status_params(text: LocalText, status: str) -> dict[str, str]:
    """The form Twilio posts to a message's status callback."""
    params = {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": API_VERSION,
        "From": text.from_number,
        "To": text.to_number,
        "MessageSid": text.message_sid,
        "SmsSid": text.message_sid,
        "MessageStatus": status,
        "SmsStatus": status,
    }
    if status == "undelivered":
        params["ErrorCode"] = UNDELIVERED_ERROR_CODE
    return params


async def deliver(session: AsyncSession, sid: str, auth_token: str, post: Post) -> list[str]:
    """Carry a queued text: each status stored and posted, signed, to its callback. Returns the
    statuses posted (none for a text already carried or unknown: a rerun does nothing)."""
    repo = LocalSmsRepository.from_session(session)
    text = await repo.lock(sid)
    if text is None or text.status != "queued":
        return []
    posted = []
    for status in delivery_statuses(text.to_number):
        await repo.set_status(sid, status)
        if text.status_callback:
            params = status_params(text, status)
            url = text.status_callback
            await post(url, params, signature(auth_token, url, params))
        posted.append(status)
    return posted


async def reply(session: AsyncSession, *, from_: str, to: str, body: str) -> dict[str, str]:
    """A text from the simulated phone ``from_`` to our number ``to``: stored on the network,
    returned as the form Twilio posts to the inbound webhook (for the caller to sign and post)."""
    sid = new_sid()
    await LocalSmsRepository.from_session(session).insert(
        sid=sid, from_number=from_, to_number=to, body=body, status="received", status_callback=None
    )
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": API_VERSION,
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "From": from_,
        "To": to,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": str(segments(body)),
        "SmsStatus": "received",
    }


async def texts(session: AsyncSession, sids: Sequence[str]) -> list[LocalText]:
    """The network's copy of these texts, oldest first (what the simulated phone shows)."""
    return await LocalSmsRepository.from_session(session).by_sids(sids)
