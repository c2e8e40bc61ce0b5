"""Texting an owner (action ``sms_send``, feature ``sms``; docs/outreach/sms.md).

A text goes to one of the numbers the subscriber unlocked for the lead's property, from a
template or free text with the variables of ``sms_templates``. In order: the plan's feature, the
lead (not the caller's: 404), the number, the text; then the compliance guard (a block is kept
as the guard's record and nothing is charged) and the charge of ``sms_send`` per segment,
together in a savepoint, so a refusal by the ledger leaves nothing behind (not even the guard's
allowed attempt); then the provider. A provider failure refunds the charge at once and keeps the
failed text in the thread (``SmsNotSent``); a success stores the text with its charge and logs
the contact on the lead.

Replies and delivery reports arrive through Twilio's webhooks (``sms_webhooks``).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import service as assistant
from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.config import Settings
from propintel.integrations.sms import (
    MAX_BODY_CHARS,
    SIMULATOR_SENDER,
    Encoding,
    SmsSender,
    SmsSendError,
    encoding,
    segments,
    uses_local_sms,
)
from propintel.kit.errors import Conflict, Invalid, NotFound, ServiceUnavailable
from propintel.kit.i18n import _, gettext
from propintel.kit.pagination import KeyPart, Listing
from propintel.kit.phones import normalize_phone
from propintel.leads import service as leads
from propintel.outreach import compliance, unlock
from propintel.outreach.sms_repository import (
    INBOUND,
    OUTBOUND,
    SmsMessage,
    SmsRepository,
)
from propintel.outreach.sms_templates import SCRIPT_PREFIX, STARTERS, render, starter
from propintel.outreach.targets import Target, lead_target
from propintel.profiles import service as profiles
from propintel.tokens import service as tokens

FEATURE = "sms"
ACTION = "sms_send"
INBOUND_PATH = "/webhooks/twilio/sms"
STATUS_PATH = "/webhooks/twilio/sms-status"
MAX_SCRIPTS = 50
THREAD = Listing("sms_thread", (KeyPart.DATETIME, KeyPart.UUID))

__all__ = [
    "INBOUND",
    "OUTBOUND",
    "Composed",
    "Preview",
    "SentText",
    "SmsMessage",
    "SmsNotSent",
    "Template",
    "preview",
    "send_sms",
]


class SmsNotSent(ServiceUnavailable):
    """The provider did not take the text: the charge was refunded at once. The refund and the
    failed text in the thread are kept (the unit of work commits them before answering 503)."""

    commit_changes = True

    def __init__(self, tokens_refunded: int) -> None:
        super().__init__(
            _(
                "The text could not be sent: the SMS provider did not accept it. Your "
                "{tokens} tokens were refunded. Try again later."
            ).format(tokens=tokens_refunded)
        )
        self.tokens_refunded = tokens_refunded


class NoSenderNumber(Conflict):
    def __init__(self) -> None:
        super().__init__(
            _(
                "No number to text from: this account has no SMS number and the platform's "
                "(PROPINTEL_TWILIO_FROM_NUMBER) is not set."
            )
        )


# --- templates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    key: str  # starter:… or script:<uuid>
    name: str  # in the current language (a starter's) or as the subscriber named it
    content: str
    starter: bool


async def templates(session: AsyncSession, user: User) -> list[Template]:
    """The starters, then the subscriber's active SMS scripts."""
    scripts = await assistant.active_scripts(
        session, user.user_id, "sms", most_used_first=True, limit=MAX_SCRIPTS
    )
    return [Template(s.key, gettext(s.name), s.content, True) for s in STARTERS] + [
        _script_template(script) for script in scripts
    ]


def _script_template(script: assistant.ScriptRef) -> Template:
    return Template(f"{SCRIPT_PREFIX}{script.script_id}", script.name, script.content, False)


async def _template(session: AsyncSession, user: User, key: str) -> Template:
    found = starter(key)
    if found is not None:
        return Template(found.key, gettext(found.name), found.content, True)
    script = None
    if key.startswith(SCRIPT_PREFIX):
        try:
            script_id = uuid.UUID(key.removeprefix(SCRIPT_PREFIX))
        except ValueError:
            script_id = None
        if script_id is not None:
            script = await assistant.active_script(session, user.user_id, "sms", script_id)
    if script is None:
        raise Invalid(_("Choose one of your templates."), field="template")
    return _script_template(script)


async def variables(session: AsyncSession, user: User, target: Target) -> dict[str, str | None]:
    """The values of the template variables for this lead and subscriber."""
    owner = target.owner
    profile = await profiles.subscriber_profile(session, user)
    street = target.facts.get("street_address")
    return {
        "owner_first_name": owner.first if owner else None,
        "address": str(street) if street else (target.address or None),
        "business_name": (profile.business_name or "").strip() or None,
    }


@dataclass(frozen=True)
class Composed:
    body: str
    template: Template | None


async def compose(
    session: AsyncSession,
    user: User,
    target: Target,
    *,
    body: str | None,
    template: str | None,
) -> Composed:
    """The text to send: ``body`` when given (its variables filled in), else the template's;
    ``Invalid`` naming what is wrong."""
    chosen = await _template(session, user, template) if template else None
    raw = (body or "").strip() or (chosen.content if chosen else "")
    if not raw:
        raise Invalid(_("Write the text, or choose a template."), field="body")
    text = render(raw, await variables(session, user, target)).strip()
    if len(text) > MAX_BODY_CHARS:
        raise Invalid(
            _("A text can have at most {count} characters; this one has {length}.").format(
                count=MAX_BODY_CHARS, length=len(text)
            ),
            field="body",
        )
    return Composed(text, chosen)


# --- numbers ------------------------------------------------------------------------------------


async def owner_numbers(
    session: AsyncSession, user: User, target: Target
) -> list[unlock.ContactPhone]:
    """The owner's numbers the subscriber unlocked for the lead's property (none: not unlocked)."""
    contact = await unlock.unlocked_contact(session, user, target.property_id)
    return list(contact.phones) if contact else []


async def _owner_phone(session: AsyncSession, user: User, target: Target, to: str | None) -> str:
    numbers = await owner_numbers(session, user, target)
    if not numbers:
        raise Conflict(
            _("Unlock the owner's contact first: texts go only to numbers you unlocked."),
            field="to",
        )
    phone = normalize_phone(to)
    if phone is None or phone not in {n.number for n in numbers}:
        raise Invalid(_("Choose one of the owner's numbers you unlocked."), field="to")
    return phone


async def sender_number(session: AsyncSession, user: User, settings: Settings) -> str:
    """Whom the text is from: the subscriber's own active number, else the platform's, else
    (offline) the simulator's."""
    own = await SmsRepository.from_session(session).active_number(user.user_id)
    if own:
        return own
    if settings.twilio_from_number:
        return normalize_phone(settings.twilio_from_number) or settings.twilio_from_number
    if uses_local_sms(settings):
        return SIMULATOR_SENDER
    raise NoSenderNumber()


def public_url(settings: Settings, path: str) -> str:
    return settings.public_base_url.rstrip("/") + path


# --- preview and send ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    body: str
    characters: int
    segments: int
    encoding: Encoding
    tokens: int  # segments times the price of one
    token_price: int  # per segment
    balance: int
    to: str | None
    blocked: str | None  # what the guard would say now (a dry run), if it would refuse

    @property
    def affordable(self) -> bool:
        return self.balance >= self.tokens


async def _price(session: AsyncSession) -> int:
    price = await catalog.action_price(session, ACTION)
    if price is None:
        raise NotFound(_("Texts are not on the price list."))
    return price.tokens_required


async def preview(
    session: AsyncSession,
    user: User,
    lead_id: uuid.UUID,
    *,
    body: str | None,
    template: str | None,
    to: str | None,
    now: datetime,
) -> Preview:
    """The text as it would go out, its segments and cost, the balance, and (for a number) what
    the compliance guard would say now. Charges and records nothing."""
    await catalog.require_feature(session, user, FEATURE)
    target = await lead_target(session, user, lead_id)
    composed = await compose(session, user, target, body=body, template=template)
    phone = await _owner_phone(session, user, target, to) if to else None
    blocked = None
    if phone is not None:
        verdict = await compliance.evaluate(
            session,
            user=user,
            channel=compliance.Channel.SMS,
            contact=phone,
            property_id=target.property_id,
            lead_id=lead_id,
            now=now,
        )
        blocked = verdict.message if verdict else None
    count = segments(composed.body)
    price = await _price(session)
    balance = (await tokens.balance_summary(session, user.user_id, now=now)).balance
    return Preview(
        body=composed.body,
        characters=len(composed.body),
        segments=count,
        encoding=encoding(composed.body),
        tokens=count * price,
        token_price=price,
        balance=balance,
        to=phone,
        blocked=blocked,
    )


@dataclass(frozen=True)
class SentText:
    conversation_id: uuid.UUID
    sid: str
    status: str
    to: str
    sender: str
    body: str
    segments: int
    tokens: int
    balance: int


async def send_sms(
    session: AsyncSession,
    user: User,
    lead_id: uuid.UUID,
    to: str | None,
    body: str | None,
    *,
    sender: SmsSender,
    now: datetime,
    settings: Settings,
    template: str | None = None,
) -> SentText:
    """Text the owner of ``user``'s lead at ``to`` (one of the numbers they unlocked).

    Refusals: ``FeatureNotInPlan`` (403), ``LeadNotFound`` (404), ``Invalid``/``Conflict`` (the
    number, the text), ``OutreachBlocked`` (403, the guard's rule in words; its record kept),
    the ledger's (402/409/403: nothing kept), ``SmsNotSent`` (503: refunded at once)."""
    await catalog.require_feature(session, user, FEATURE)
    target = await lead_target(session, user, lead_id)
    phone = await _owner_phone(session, user, target, to)
    composed = await compose(session, user, target, body=body, template=template)
    count = segments(composed.body)
    from_ = await sender_number(session, user, settings)
    message_id = uuid.uuid4()
    charged = await compliance.paid_if_allowed(
        session,
        user=user,
        channel=compliance.Channel.SMS,
        contact=phone,
        property_id=target.property_id,
        lead_id=target.lead_id,
        now=now,
        pay=lambda: tokens.charge(
            session, user.user_id, ACTION, count, reference=f"sms:{message_id}", now=now
        ),
    )
    repo = SmsRepository.from_session(session)
    context: dict[str, Any] = {
        "segments": count,
        "provider": sender.provider,
        "template": composed.template.key if composed.template else None,
    }
    # The text is kept in the thread whether or not the provider took it.
    store = functools.partial(
        repo.add_message,
        conversation_id=message_id,
        user_id=user.user_id,
        lead_id=lead_id,
        role=OUTBOUND,
        body=composed.body,
        contact=phone,
        sender=from_,
        at=now,
        usage_log_id=charged.usage_log_id,
    )
    try:
        sent = await sender.send(phone, from_, composed.body, public_url(settings, STATUS_PATH))
    except SmsSendError as error:
        await tokens.refund(
            session, user.user_id, charged.usage_log_id, f"SMS not sent: {error}", now=now
        )
        await store(
            provider_message_id=None,
            delivery_status="failed",
            tokens_used=0,
            context={**context, "error": str(error)},
        )
        raise SmsNotSent(charged.tokens) from None
    await store(
        provider_message_id=sent.sid,
        delivery_status=sent.status,
        tokens_used=charged.tokens,
        cost=charged.actual_cost,
        context=context,
    )
    if composed.template is not None and not composed.template.starter:
        script_id = uuid.UUID(composed.template.key.removeprefix(SCRIPT_PREFIX))
        await assistant.mark_script_used(session, user.user_id, script_id, now)
    await leads.log_contact(
        session, user.user_id, lead_id, leads.ContactChannel.SMS, composed.body, now
    )
    return SentText(
        conversation_id=message_id,
        sid=sent.sid,
        status=sent.status,
        to=phone,
        sender=from_,
        body=composed.body,
        segments=count,
        tokens=charged.tokens,
        balance=charged.balance,
    )


# --- the thread ---------------------------------------------------------------------------------


async def thread_page(
    session: AsyncSession,
    user: User,
    lead_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None = None,
) -> tuple[list[SmsMessage], str | None]:
    """One page of the lead's texts, newest first (the lead must be ``user``'s)."""
    await lead_target(session, user, lead_id)
    bound = str(lead_id)
    after = THREAD.decode_optional(cursor, bound_to=bound)
    rows = await SmsRepository.from_session(session).page(user.user_id, lead_id, after, limit + 1)
    return THREAD.page(rows, limit, key=lambda m: (m.timestamp, m.conversation_id), bound_to=bound)


@dataclass(frozen=True)
class Conversation:
    messages: list[SmsMessage]  # oldest first
    unread: int  # replies not seen before this view
    earlier: bool  # older texts exist (the API pages through them)


async def read_thread(
    session: AsyncSession, user: User, target: Target, *, limit: int, now: datetime
) -> Conversation:
    """The latest texts of the lead's thread for the page, oldest first; the replies among them
    are marked read (the count of those unread before is returned)."""
    assert target.lead_id is not None
    repo = SmsRepository.from_session(session)
    unread = await repo.unread(user.user_id, target.lead_id)
    rows = await repo.page(user.user_id, target.lead_id, None, limit + 1)
    shown = rows[:limit]
    await repo.mark_read(
        user.user_id,
        [m.conversation_id for m in shown if m.message_role == INBOUND and m.read_at is None],
        now,
    )
    return Conversation(list(reversed(shown)), unread, len(rows) > limit)


async def unread_count(session: AsyncSession, user: User, lead_id: uuid.UUID) -> int:
    return await SmsRepository.from_session(session).unread(user.user_id, lead_id)
