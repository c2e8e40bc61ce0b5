"""E-mail to owners — action ``email_send`` (docs/outreach/email.md).

A subscriber e-mails the owner of a saved lead at an address it unlocked, once (a one-off) or in
a sequence of steps sent by a job (day 0 = the start). Every e-mail:

1. needs the plan's ``email_sequences`` feature and a postal address on the business profile
   (CAN-SPAM: every commercial e-mail shows it);
2. passes the compliance guard (opt-outs, owner fatigue; e-mail needs no consent), which records
   the attempt;
3. is charged one ``email_send``, then sent with the footer, the one-click unsubscribe header
   and the reply address (``email_content``); a provider refusal refunds the charge at once and
   the e-mail's log row says ``failed``;
4. is logged in ``email_workflow_logs`` (the provider's message id: SendGrid's ``X-Message-Id``,
   offline the outbox row's id) and counted as a contact on the lead.

A sequence pauses by itself when the lead is won or lost, when one of its e-mails is replied to,
bounces or is unsubscribed from, when the guard blocks the next step, and when the credits run
out; the subscriber may pause, resume (not after an opt-out or a bounce) or stop it.

Services flush, never commit; ``now`` is naive New York time.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import service as assistant
from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.config import Settings
from propintel.integrations.email import EmailSendError, EmailSenders
from propintel.kit import i18n
from propintel.kit.errors import Conflict, Invalid, NotFound, ServiceUnavailable
from propintel.kit.i18n import N_, _
from propintel.kit.pagination import KeyPart, Listing
from propintel.leads import service as leads
from propintel.leads.service import ContactChannel, LeadStatus
from propintel.outreach import compliance, unlock
from propintel.outreach.compliance import Allowed, Blocked, Channel, OutreachBlocked, Rule
from propintel.outreach.email_content import (
    BUILT_IN,
    MAX_BODY,
    MAX_SUBJECT,
    SenderFacts,
    Step,
    check_variables,
    compose,
    render_variables,
    script_step,
)
from propintel.outreach.email_repository import (
    EmailLog,
    EmailRepository,
    EmailSequence,
)
from propintel.outreach.targets import Target, lead_target
from propintel.profiles import service as profiles
from propintel.tokens import service as tokens
from propintel.tokens.errors import (
    AccountSuspended,
    DailyLimitReached,
    EmailNotVerified,
    InsufficientTokens,
)

logger = logging.getLogger("propintel.outreach.email")

ACTION = "email_send"
FEATURE = "email_sequences"
SEND_DUE_JOB = "outreach.send_due_emails"
ONE_OFF = "one_off"
SEQUENCE = "sequence"
MAX_STEPS = 10
MAX_DAY = 365
DUE_BATCH = 100
CLOSED_STATUSES = frozenset({LeadStatus.WON.value, LeadStatus.LOST.value})
EMAILS = Listing("lead_emails", (KeyPart.DATETIME, KeyPart.UUID))

# Why a sequence is paused, in words (the stored code → a message id).
PAUSE_REASONS: dict[str, str] = {
    "replied": N_("The owner replied."),
    "bounced": N_("An e-mail bounced: this address does not receive mail."),
    "opted_out": N_("The owner unsubscribed or opted out."),
    "lead_closed": N_("The lead is won or lost."),
    "no_credits": N_("Not enough credits for the next e-mail: buy credits, then resume."),
    "daily_limit": N_("Your daily credit limit was reached: resume tomorrow, or raise the limit."),
    "account": N_(
        "Your account cannot spend credits (suspended, or its e-mail address is not verified)."
    ),
    "no_plan": N_("Your plan no longer includes e-mail sequences."),
    "no_postal_address": N_("Your business profile has no postal address: add it, then resume."),
    "no_contact": N_("The address is no longer among the owner contacts you unlocked."),
    "send_failed": N_(
        "The e-mail provider did not take the last e-mail (its credit was refunded): "
        "resume to try again."
    ),
    "by_subscriber": N_("You paused it."),
    "error": N_("The next e-mail could not be sent because of an error: resume to try again."),
}
NOT_RESUMABLE = frozenset({"opted_out", "bounced"})
# A sequence's status in words (a sequence is feminine in Spanish: their own ids).
SEQUENCE_STATUS = {
    "active": N_("Active"),
    "paused": N_("Paused"),
    "finished": N_("Finished"),
    "stopped": N_("Stopped"),
}


def pause_reason_text(reason: str | None) -> str:
    """A stored pause reason in words (a guard rule by the rule's name)."""
    if not reason:
        return ""
    if reason in PAUSE_REASONS:
        return _(PAUSE_REASONS[reason])
    return _("The compliance guard blocked the next e-mail: {rule}.").format(
        rule=compliance.rule_label(reason)
    )


class PostalAddressMissing(Conflict):
    """No postal address on the sender's business profile: nothing may be sent."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Add your postal address to your business profile before e-mailing owners: "
                "the law (CAN-SPAM) requires it in every e-mail."
            ),
            field="postal_address",
        )


class EmailNotSent(ServiceUnavailable):
    """The provider refused or could not be reached. The refund and the failed log row stay."""

    commit_changes = True


@dataclass(frozen=True)
class Delivery:
    log_id: uuid.UUID
    sent: bool
    error: str | None = None


@dataclass(frozen=True)
class Choice:
    """A template offered by the forms: a built-in sequence, or one of the subscriber's e-mail
    scripts (one step)."""

    key: str  # "builtin:intro_en" | "script:<uuid>"
    label: str  # shown as it is (built-in labels translated here)
    locale: str | None  # the built-ins' language; a script's is the sender's
    steps: tuple[Step, ...]
    script_id: uuid.UUID | None = None


# ---- checks shared by one-offs and sequences ----------------------------------------------------


def _clean_subject(subject: str | None, field_name: str = "subject") -> str:
    cleaned = " ".join((subject or "").split())
    if not cleaned:
        raise Invalid(_("Write a subject."), field=field_name)
    if len(cleaned) > MAX_SUBJECT:
        raise Invalid(
            _("The subject is too long (at most {count} characters).").format(count=MAX_SUBJECT),
            field=field_name,
        )
    check_variables(cleaned, field_name)
    return cleaned


def _clean_body(body: str | None, field_name: str = "body") -> str:
    cleaned = (body or "").replace("\r\n", "\n").strip()
    if not cleaned:
        raise Invalid(_("Write the e-mail."), field=field_name)
    if len(cleaned) > MAX_BODY:
        raise Invalid(
            _("The e-mail is too long (at most {count} characters).").format(count=MAX_BODY),
            field=field_name,
        )
    check_variables(cleaned, field_name)
    return cleaned


async def owner_addresses(session: AsyncSession, user: User, target: Target) -> tuple[str, ...]:
    """The owner's e-mail addresses ``user`` unlocked (lower case), none when not unlocked."""
    contact = await unlock.unlocked_contact(session, user, target.property_id)
    if contact is None:
        return ()
    return tuple(dict.fromkeys(email.strip().lower() for email in contact.emails if email))


async def _owner_address(session: AsyncSession, user: User, target: Target, to: str) -> str:
    addresses = await owner_addresses(session, user, target)
    if not addresses:
        raise Conflict(
            _("Get the owner's contact first: e-mails go only to addresses found for this owner."),
            field="to",
        )
    wanted = (to or "").strip().lower()
    if wanted not in addresses:
        raise Invalid(_("Choose one of the owner's addresses you unlocked."), field="to")
    return wanted


async def sender_facts(session: AsyncSession, user: User) -> SenderFacts | None:
    """The business name and postal address e-mails are signed with (None: no postal address)."""
    profile = await profiles.subscriber_profile(session, user)
    postal = (profile.postal_address or "").strip()
    if not postal:
        return None
    return SenderFacts(
        business_name=(profile.business_name or user.email).strip(), postal_address=postal
    )


async def _required_sender(session: AsyncSession, user: User) -> SenderFacts:
    facts = await sender_facts(session, user)
    if facts is None:
        raise PostalAddressMissing()
    return facts


async def variable_values(
    session: AsyncSession, user: User, target: Target, locale: str
) -> dict[str, str]:
    """What the variables of ``user``'s templates become for ``target``'s owner (a sequence's
    planned steps are shown filled in, as they will be sent)."""
    profile = await profiles.subscriber_profile(session, user)
    business = (profile.business_name or user.email).strip()
    sender = SenderFacts(business_name=business, postal_address=profile.postal_address or "")
    return _variables(target, sender, locale)


def _variables(target: Target, sender: SenderFacts, locale: str) -> dict[str, str]:
    owner = target.owner
    if owner is not None:
        first = owner.first
    elif target.owner_name:
        first = target.owner_name  # a company or a trust: its name as recorded
    else:
        with i18n.using_locale(locale):
            first = _("homeowner")
    return {
        "owner_first_name": first,
        "address": target.address,
        "business_name": sender.business_name,
    }


# ---- one e-mail ----------------------------------------------------------------------------------


async def _deliver(
    session: AsyncSession,
    user: User,
    *,
    target: Target,
    to: str,
    subject: str,
    body: str,
    locale: str,
    sender: SenderFacts,
    email_type: str,
    now: datetime,
    senders: EmailSenders,
    settings: Settings,
    sequence_id: uuid.UUID | None = None,
    step_number: int | None = None,
    allowed: Allowed | None = None,
) -> Delivery | Blocked:
    """Guard, charge, send, log. In a savepoint: a refusal of the ledger undoes the guard's
    attempt too (nothing went out); a block returns the ``Blocked`` with its attempt kept."""
    assert target.lead_id is not None
    repo = EmailRepository.from_session(session)
    async with session.begin_nested():
        if allowed is None:
            verdict = await compliance.check(
                session,
                user=user,
                channel=Channel.EMAIL,
                contact=to,
                property_id=target.property_id,
                lead_id=target.lead_id,
                now=now,
            )
            if isinstance(verdict, Blocked):
                return verdict
        log_id = uuid.uuid4()
        charged = await tokens.charge(session, user.user_id, ACTION, 1, f"email:{log_id}", now=now)
        values = _variables(target, sender, locale)
        subject_text = render_variables(subject, values)
        message = compose(
            settings=settings,
            log_id=log_id,
            user_id=user.user_id,
            to=to,
            subject=subject_text,
            body=render_variables(body, values),
            sender=sender,
            locale=locale,
        )
        log = {
            "log_id": log_id,
            "user_id": user.user_id,
            "lead_id": target.lead_id,
            "email_type": email_type,
            "email_subject": subject_text[:255],
            "sent_at": now,
            "to_email": to,
            "sequence_id": sequence_id,
            "step_number": step_number,
            "usage_log_id": charged.usage_log_id,
        }
        try:
            sent = await senders(session).send(message)
        except EmailSendError as error:
            await tokens.refund(
                session, user.user_id, charged.usage_log_id, "e-mail not sent", now=now
            )
            await repo.add_log(**log, status="failed", sendgrid_message_id=None)
            logger.warning("owner e-mail not sent", extra={"fields": {"log_id": str(log_id)}})
            return Delivery(log_id, sent=False, error=str(error))
        await repo.add_log(**log, status="sent", sendgrid_message_id=sent.message_id)
        await leads.log_contact(
            session, user.user_id, target.lead_id, ContactChannel.EMAIL, subject_text, now
        )
        return Delivery(log_id, sent=True)


async def send_email(
    session: AsyncSession,
    user: User,
    lead_id: uuid.UUID,
    to: str,
    subject: str,
    body: str,
    *,
    now: datetime,
    senders: EmailSenders,
    settings: Settings,
    locale: str | None = None,
    script_id: uuid.UUID | None = None,
) -> Delivery:
    """A one-off e-mail to the owner of one of ``user``'s leads. Refusals: the plan
    (``FeatureNotInPlan``), tenancy (404), the address (422/409), the postal address (409), the
    guard (``OutreachBlocked``, 403), the ledger (402/409/403), the provider (``EmailNotSent``,
    503, the credit refunded)."""
    await catalog.require_feature(session, user, FEATURE)
    target = await lead_target(session, user, lead_id)
    subject = _clean_subject(subject)
    body = _clean_body(body)
    address = await _owner_address(session, user, target, to)
    sender = await _required_sender(session, user)
    result = await _deliver(
        session,
        user,
        target=target,
        to=address,
        subject=subject,
        body=body,
        locale=locale or i18n.current_locale(),
        sender=sender,
        email_type=ONE_OFF,
        now=now,
        senders=senders,
        settings=settings,
    )
    if isinstance(result, Blocked):
        raise OutreachBlocked(result)
    if not result.sent:
        raise EmailNotSent(
            _(
                "The e-mail could not be sent ({error}); its credit was refunded. Try again later."
            ).format(error=result.error)
        )
    if script_id is not None:
        await assistant.mark_script_used(session, user.user_id, script_id, now)
    return result


# ---- templates -----------------------------------------------------------------------------------


async def templates_for(session: AsyncSession, user: User) -> list[Choice]:
    """The built-in sequences, then the subscriber's active e-mail scripts (one step each)."""
    choices = [Choice(f"builtin:{t.key}", _(t.label), t.locale, t.steps) for t in BUILT_IN.values()]
    for script in await assistant.active_scripts(session, user.user_id, "email"):
        step = script_step(script.name, script.content)
        choices.append(
            Choice(f"script:{script.script_id}", script.name, None, (step,), script.script_id)
        )
    return choices


async def template_choice(session: AsyncSession, user: User, key: str) -> Choice:
    for choice in await templates_for(session, user):
        if choice.key == key:
            return choice
    raise Invalid(_("Choose one of the templates."), field="template")


@dataclass(frozen=True)
class Draft:
    """A one-off e-mail as the forms give it: a template's first step, or the text typed."""

    subject: str
    body: str
    locale: str | None
    script_id: uuid.UUID | None


async def one_off_draft(
    session: AsyncSession,
    user: User,
    template: str | None,
    subject: str | None,
    body: str | None,
) -> Draft:
    """The text typed wins; a chosen template fills what is left empty (a built-in in its own
    language, a script in the sender's)."""
    if not template:
        return Draft(subject or "", body or "", None, None)
    choice = await template_choice(session, user, template)
    first = choice.steps[0]
    subject, body = subject or "", body or ""
    typed = bool(subject.strip() and body.strip())
    return Draft(
        subject if subject.strip() else first.subject,
        body if body.strip() else first.body,
        None if typed else choice.locale,
        choice.script_id,
    )


# ---- sequences -----------------------------------------------------------------------------------


def _checked_steps(steps: Sequence[Step | Mapping[str, Any]]) -> list[Step]:
    if not steps:
        raise Invalid(_("A sequence needs at least one step."), field="steps")
    if len(steps) > MAX_STEPS:
        raise Invalid(
            _("A sequence has at most {count} steps.").format(count=MAX_STEPS), field="steps"
        )
    checked: list[Step] = []
    for index, raw in enumerate(steps):
        step = raw if isinstance(raw, Step) else None
        if step is None:
            assert isinstance(raw, Mapping)
            day = raw.get("day")
            if isinstance(day, bool) or not isinstance(day, int):
                raise Invalid(_("Each step's day is a whole number."), field=f"steps.{index}.day")
            step = Step(day, str(raw.get("subject") or ""), str(raw.get("body") or ""))
        if not 0 <= step.day <= MAX_DAY or (checked and step.day < checked[-1].day):
            raise Invalid(
                _("Step days go from 0 to {max} days after the start, in order.").format(
                    max=MAX_DAY
                ),
                field=f"steps.{index}.day",
            )
        checked.append(
            Step(
                step.day,
                _clean_subject(step.subject, f"steps.{index}.subject"),
                _clean_body(step.body, f"steps.{index}.body"),
            )
        )
    return checked


async def start_sequence(
    session: AsyncSession,
    user: User,
    lead_id: uuid.UUID,
    to: str,
    name: str,
    steps: Sequence[Step | Mapping[str, Any]],
    *,
    now: datetime,
    senders: EmailSenders,
    settings: Settings,
    locale: str | None = None,
) -> EmailSequence:
    """Start a sequence to the owner of one of ``user``'s leads: one open sequence per lead. A
    first step on day 0 is sent now (the whole start is refused if it cannot be: the guard, the
    ledger); later steps by the ``outreach.send_due_emails`` job."""
    await catalog.require_feature(session, user, FEATURE)
    target = await lead_target(session, user, lead_id)
    if target.lead_status in CLOSED_STATUSES:
        raise Conflict(_("This lead is won or lost: reopen it before starting a sequence."))
    name = " ".join((name or "").split())[:255]
    if not name:
        raise Invalid(_("Name the sequence."), field="name")
    checked = _checked_steps(steps)
    address = await _owner_address(session, user, target, to)
    sender = await _required_sender(session, user)
    repo = EmailRepository.from_session(session)
    existing = await repo.open_sequence(lead_id)
    if existing is not None:
        raise _already_open(existing)
    locale = locale or i18n.current_locale()
    allowed: Allowed | None = None
    if checked[0].day == 0:
        verdict = await compliance.check(
            session,
            user=user,
            channel=Channel.EMAIL,
            contact=address,
            property_id=target.property_id,
            lead_id=lead_id,
            now=now,
        )
        if isinstance(verdict, Blocked):
            raise OutreachBlocked(verdict)  # its attempt is kept; nothing else was written
        allowed = verdict
    # One savepoint for the row and its first step: a refusal of the ledger leaves no sequence.
    async with session.begin_nested():
        try:
            async with session.begin_nested():
                sequence_id = await repo.add_sequence(
                    user_id=user.user_id,
                    lead_id=lead_id,
                    name=name,
                    to_email=address,
                    steps=[step.stored(locale) for step in checked],
                    status="active",
                    next_step=0,
                    next_send_at=now + timedelta(days=checked[0].day),
                    started_at=now,
                    updated_at=now,
                )
        except IntegrityError:  # started at the same moment by another request
            raise Conflict(_("This lead already has an open sequence.")) from None
        sequence = await repo.sequence(sequence_id)
        assert sequence is not None
        if allowed is not None:
            await _send_step(
                session, user, sequence, target, sender, now, senders, settings, allowed
            )
    found = await repo.sequence(sequence_id)
    assert found is not None
    return found


def _already_open(existing: EmailSequence) -> Conflict:
    return Conflict(
        _(
            'This lead already has an open sequence, "{name}": stop it before starting another.'
        ).format(name=existing.name)
    )


def _next_due(sequence: EmailSequence, index: int, now: datetime) -> datetime:
    """When step ``index`` is due: its day after the start, and never sooner than its gap after
    the step just sent (a resumed sequence does not send its overdue steps in a burst)."""
    steps = sequence.steps
    scheduled = sequence.started_at + timedelta(days=int(steps[index]["day"]))
    gap = int(steps[index]["day"]) - int(steps[index - 1]["day"]) if index else 0
    return max(scheduled, now + timedelta(days=gap))


async def _send_step(
    session: AsyncSession,
    user: User,
    sequence: EmailSequence,
    target: Target,
    sender: SenderFacts,
    now: datetime,
    senders: EmailSenders,
    settings: Settings,
    allowed: Allowed | None = None,
) -> str:
    """Send the sequence's next step and advance it, or pause it with the reason. The ledger's
    refusals propagate when ``allowed`` is given (the start: refused as a whole)."""
    repo = EmailRepository.from_session(session)
    index = sequence.next_step
    step = sequence.steps[index]
    try:
        result = await _deliver(
            session,
            user,
            target=target,
            to=sequence.to_email,
            subject=str(step["subject"]),
            body=str(step["body"]),
            locale=str(step.get("locale") or i18n.DEFAULT_LOCALE),
            sender=sender,
            email_type=SEQUENCE,
            now=now,
            senders=senders,
            settings=settings,
            sequence_id=sequence.sequence_id,
            step_number=index + 1,
            allowed=allowed,
        )
    except InsufficientTokens:
        if allowed is not None:
            raise
        return await _pause(repo, sequence, "no_credits", now)
    except DailyLimitReached:
        if allowed is not None:
            raise
        return await _pause(repo, sequence, "daily_limit", now)
    except (AccountSuspended, EmailNotVerified):
        if allowed is not None:
            raise
        return await _pause(repo, sequence, "account", now)
    if isinstance(result, Blocked):
        reason = "opted_out" if result.rule == Rule.OPTED_OUT else result.rule.value
        return await _pause(repo, sequence, reason, now)
    if not result.sent:
        return await _pause(repo, sequence, "send_failed", now)
    following = index + 1
    if following >= len(sequence.steps):
        await repo.update_sequence(
            sequence.sequence_id,
            next_step=following,
            status="finished",
            next_send_at=None,
            updated_at=now,
        )
        return "finished"
    await repo.update_sequence(
        sequence.sequence_id,
        next_step=following,
        next_send_at=_next_due(sequence, following, now),
        updated_at=now,
    )
    return "sent"


async def _pause(repo: EmailRepository, sequence: EmailSequence, reason: str, now: datetime) -> str:
    await repo.update_sequence(
        sequence.sequence_id, status="paused", pause_reason=reason, updated_at=now
    )
    return f"paused: {reason}"


async def _stop_reason(
    session: AsyncSession, user: User, sequence: EmailSequence, target: Target
) -> str | None:
    """Why the next step must not go out (checked before each step), or None."""
    if target.lead_status in CLOSED_STATUSES:
        return "lead_closed"
    flags = await EmailRepository.from_session(session).sequence_flags(
        sequence.sequence_id, replied_since=sequence.updated_at
    )
    if flags.bounced:
        return "bounced"
    if flags.unsubscribed:
        return "opted_out"
    if flags.replied:
        return "replied"
    if not await catalog.has_feature(session, user, FEATURE):
        return "no_plan"
    if sequence.to_email not in await owner_addresses(session, user, target):
        return "no_contact"
    return None


async def run_sequence_step(
    session: AsyncSession,
    sequence: EmailSequence,
    *,
    now: datetime,
    senders: EmailSenders,
    settings: Settings,
) -> str:
    """One due sequence (locked by the caller): pause it for a reason, or send its next step."""
    repo = EmailRepository.from_session(session)
    user = await repo.user(sequence.user_id)
    if user is None:
        return "no user"
    target = await lead_target(session, user, sequence.lead_id)
    reason = await _stop_reason(session, user, sequence, target)
    if reason is not None:
        return await _pause(repo, sequence, reason, now)
    sender = await sender_facts(session, user)
    if sender is None:
        return await _pause(repo, sequence, "no_postal_address", now)
    return await _send_step(session, user, sequence, target, sender, now, senders, settings)


@dataclass
class DueReport:
    sequences: int = 0
    sent: int = 0
    finished: int = 0
    paused: int = 0
    errors: int = 0

    def to_detail(self) -> dict[str, Any]:
        return dict(self.__dict__)


async def send_due_emails(
    session: AsyncSession, *, now: datetime, senders: EmailSenders, settings: Settings
) -> DueReport:
    """The periodic run: every active sequence whose next step is due (up to ``DUE_BATCH``),
    locked with SKIP LOCKED so two workers never take the same one. Each runs in its own
    savepoint; an unexpected error pauses that sequence (reason ``error``) rather than sending
    it again next minute."""
    repo = EmailRepository.from_session(session)
    report = DueReport()
    for sequence in await repo.lock_due_sequences(now, DUE_BATCH):
        report.sequences += 1
        try:
            async with session.begin_nested():
                outcome = await run_sequence_step(
                    session, sequence, now=now, senders=senders, settings=settings
                )
        except Exception:
            logger.exception(
                "sequence step failed", extra={"fields": {"sequence_id": str(sequence.sequence_id)}}
            )
            await _pause(repo, sequence, "error", now)
            report.errors += 1
            continue
        if outcome == "sent":
            report.sent += 1
        elif outcome == "finished":
            report.finished += 1
        else:
            report.paused += 1
    return report


async def _owned_sequence(
    session: AsyncSession, user: User, sequence_id: uuid.UUID
) -> EmailSequence:
    found = await EmailRepository.from_session(session).sequence(
        sequence_id, user.user_id, lock=True
    )
    if found is None:
        raise NotFound(_("No such sequence."))
    return found


async def pause_sequence(
    session: AsyncSession, user: User, sequence_id: uuid.UUID, *, now: datetime
) -> EmailSequence:
    sequence = await _owned_sequence(session, user, sequence_id)
    if sequence.status != "active":
        raise Conflict(_("Only an active sequence can be paused."))
    repo = EmailRepository.from_session(session)
    await _pause(repo, sequence, "by_subscriber", now)
    return await _owned_sequence(session, user, sequence_id)


async def resume_sequence(
    session: AsyncSession, user: User, sequence_id: uuid.UUID, *, now: datetime
) -> EmailSequence:
    """Resume a paused sequence: not after an opt-out or a bounce, nor while the guard would
    block the address or the lead is closed; the next step is due at its day, or now."""
    sequence = await _owned_sequence(session, user, sequence_id)
    if sequence.status != "paused":
        raise Conflict(_("Only a paused sequence can be resumed."))
    if sequence.pause_reason in NOT_RESUMABLE:
        raise Conflict(
            _("This sequence cannot resume: {reason}").format(
                reason=pause_reason_text(sequence.pause_reason)
            )
        )
    await catalog.require_feature(session, user, FEATURE)
    target = await lead_target(session, user, sequence.lead_id)
    if target.lead_status in CLOSED_STATUSES:
        raise Conflict(_("This lead is won or lost: reopen it before resuming the sequence."))
    blocked = await compliance.evaluate(
        session,
        user=user,
        channel=Channel.EMAIL,
        contact=sequence.to_email,
        property_id=target.property_id,
        lead_id=sequence.lead_id,
        now=now,
    )
    if blocked is not None:
        raise OutreachBlocked(blocked)
    due = max(
        sequence.started_at + timedelta(days=int(sequence.steps[sequence.next_step]["day"])), now
    )
    await EmailRepository.from_session(session).update_sequence(
        sequence_id, status="active", pause_reason=None, next_send_at=due, updated_at=now
    )
    return await _owned_sequence(session, user, sequence_id)


async def stop_sequence(
    session: AsyncSession, user: User, sequence_id: uuid.UUID, *, now: datetime
) -> EmailSequence:
    """Stop for good: no further e-mail (a new sequence may then be started)."""
    sequence = await _owned_sequence(session, user, sequence_id)
    if not sequence.is_open:
        raise Conflict(_("This sequence is already over."))
    await EmailRepository.from_session(session).update_sequence(
        sequence_id, status="stopped", next_send_at=None, updated_at=now
    )
    return await _owned_sequence(session, user, sequence_id)


async def get_sequence(session: AsyncSession, user: User, sequence_id: uuid.UUID) -> EmailSequence:
    found = await EmailRepository.from_session(session).sequence(sequence_id, user.user_id)
    if found is None:
        raise NotFound(_("No such sequence."))
    return found


# ---- reading -------------------------------------------------------------------------------------


async def lead_emails(
    session: AsyncSession,
    user: User,
    lead_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None = None,
) -> tuple[list[EmailLog], str | None]:
    """The e-mails sent to the owner of one of ``user``'s leads, newest first (keyset)."""
    await lead_target(session, user, lead_id)
    bound = str(lead_id)
    after = EMAILS.decode_optional(cursor, bound_to=bound)
    rows = await EmailRepository.from_session(session).logs_page(
        user.user_id, lead_id, after, limit + 1
    )
    return EMAILS.page(rows, limit, key=lambda row: (row.sent_at, row.log_id), bound_to=bound)


async def lead_sequences(
    session: AsyncSession, user: User, lead_id: uuid.UUID, limit: int = 5
) -> list[EmailSequence]:
    """The lead's sequences, the open one first (another's lead: 404)."""
    await lead_target(session, user, lead_id)
    return await EmailRepository.from_session(session).sequences_of_lead(
        user.user_id, lead_id, limit
    )


async def email_log(session: AsyncSession, user: User, log_id: uuid.UUID) -> EmailLog:
    found = await EmailRepository.from_session(session).log(log_id, user.user_id)
    if found is None:
        raise NotFound(_("No such e-mail."))
    return found


async def log_of_outbox_email(
    session: AsyncSession, message_id: str, user_id: uuid.UUID | None
) -> EmailLog | None:
    """The owner e-mail the local outbox kept as ``message_id`` (``user_id`` None: anyone's)."""
    log = await EmailRepository.from_session(session).log_by_message_ids([message_id])
    if log is None or (user_id is not None and log.user_id != user_id):
        return None
    return log
