"""E-mail sequences: the first step at the start, the next ones by the minute job at day 3 and 7
(explicit times), one open sequence per lead, the automatic pauses (reply, bounce, unsubscribe,
lead won or lost, no credits, the guard) and the subscriber's pause, resume and stop."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.sendgrid import events as sendgrid_events
from propintel.kit.errors import Conflict, Invalid, NotFound
from propintel.leads.service import LeadStatus, move_lead
from propintel.outreach import compliance, email_events, email_outreach
from propintel.outreach.compliance import OutreachBlocked
from propintel.outreach.email_content import Step, unsubscribe_token
from propintel.tokens.errors import InsufficientTokens
from tests.factories import token_balance
from tests.outreach.email_helpers import (
    NOW,
    OWNER_EMAIL,
    failing_senders,
    local_senders,
    ready_owner,
    run_email_jobs,
    sequence_row,
    settings,
    signed_events,
    start_intro,
)

DAY = timedelta(days=1)


async def _due(db: AsyncSession, at: object, senders: object = None) -> email_outreach.DueReport:
    return await email_outreach.send_due_emails(
        db,
        now=at,
        senders=senders or local_senders(),
        settings=settings(),  # type: ignore[arg-type]
    )


async def _steps_sent(db: AsyncSession, sequence_id: uuid.UUID) -> list[tuple[int, object, str]]:
    rows = await db.execute(
        text(
            "SELECT step_number, sent_at, status FROM email_workflow_logs "
            "WHERE sequence_id = :s ORDER BY step_number"
        ),
        {"s": sequence_id},
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_steps_go_out_on_day_0_3_and_7(db: AsyncSession) -> None:
    owner = await ready_owner(db)

    sequence = await start_intro(db, owner)

    assert sequence.status == "active" and sequence.next_step == 1
    assert sequence.next_send_at == NOW + 3 * DAY
    assert await _steps_sent(db, sequence.sequence_id) == [(1, NOW, "sent")]
    assert (await _due(db, NOW + 3 * DAY - timedelta(minutes=1))).sequences == 0
    report = await _due(db, NOW + 3 * DAY)
    assert (report.sequences, report.sent) == (1, 1)
    row = await sequence_row(db, sequence.sequence_id)
    assert (row["next_step"], row["next_send_at"]) == (2, NOW + 7 * DAY)
    assert (await _due(db, NOW + 5 * DAY)).sequences == 0
    report = await _due(db, NOW + 7 * DAY + timedelta(seconds=30))
    assert (report.sequences, report.finished) == (1, 1)
    row = await sequence_row(db, sequence.sequence_id)
    assert (row["status"], row["next_step"], row["next_send_at"]) == ("finished", 3, None)
    assert await _steps_sent(db, sequence.sequence_id) == [
        (1, NOW, "sent"),
        (2, NOW + 3 * DAY, "sent"),
        (3, NOW + 7 * DAY + timedelta(seconds=30), "sent"),
    ]
    assert await token_balance(db, owner.user.user_id) == 97
    assert (await _due(db, NOW + 30 * DAY)).sequences == 0


async def test_a_late_run_does_not_send_the_next_steps_in_a_burst(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)
    await _due(db, NOW + 10 * DAY)  # step 2, three days late
    row = await sequence_row(db, sequence.sequence_id)
    assert row["next_send_at"] == NOW + 14 * DAY  # its 4-day gap after step 2, not "now"


async def test_a_sequence_starting_later_sends_nothing_at_the_start(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    sequence = await email_outreach.start_sequence(
        db, owner.user, owner.lead_id, OWNER_EMAIL, "Later", [Step(2, "Hi", "Hello")],
        now=NOW, senders=local_senders(), settings=settings(),
    )  # fmt: skip
    assert sequence.next_send_at == NOW + 2 * DAY
    assert await _steps_sent(db, sequence.sequence_id) == []
    assert (await _due(db, NOW + 2 * DAY)).finished == 1


async def test_one_open_sequence_per_lead(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    first = await start_intro(db, owner)
    with pytest.raises(Conflict, match='already has an open sequence, "3-step intro"'):
        await start_intro(db, owner)
    await email_outreach.stop_sequence(db, owner.user, first.sequence_id, now=NOW)
    second = await start_intro(db, owner, now=NOW + DAY)
    assert second.status == "active"
    assert (await sequence_row(db, first.sequence_id))["status"] == "stopped"


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ([], "steps"),
        (
            [{"day": 3, "subject": "a", "body": "b"}, {"day": 1, "subject": "a", "body": "b"}],
            "steps.1.day",
        ),
        ([{"day": "1", "subject": "a", "body": "b"}], "steps.0.day"),
        ([{"day": 0, "subject": "{nope}", "body": "b"}], "steps.0.subject"),
        ([{"day": 400, "subject": "a", "body": "b"}], "steps.0.day"),
    ],
)
async def test_steps_are_checked(
    db: AsyncSession, steps: list[dict[str, object]], field: str
) -> None:
    owner = await ready_owner(db)
    with pytest.raises(Invalid) as refused:
        await email_outreach.start_sequence(
            db, owner.user, owner.lead_id, OWNER_EMAIL, "Mine", steps,
            now=NOW, senders=local_senders(), settings=settings(),
        )  # fmt: skip
    assert refused.value.field == field


async def test_without_credits_the_start_is_refused_whole(db: AsyncSession) -> None:
    owner = await ready_owner(db, tokens=0)
    with pytest.raises(InsufficientTokens):
        await start_intro(db, owner)
    assert not await db.scalar(
        text("SELECT count(*) FROM email_sequences WHERE lead_id = :l"), {"l": owner.lead_id}
    )


async def test_running_out_of_credits_pauses_with_the_reason(db: AsyncSession) -> None:
    owner = await ready_owner(db, tokens=1)
    sequence = await start_intro(db, owner)
    report = await _due(db, NOW + 3 * DAY)
    assert report.paused == 1
    row = await sequence_row(db, sequence.sequence_id)
    assert (row["status"], row["pause_reason"]) == ("paused", "no_credits")
    assert email_outreach.pause_reason_text("no_credits").startswith("Not enough credits")
    assert await _steps_sent(db, sequence.sequence_id) == [(1, NOW, "sent")]
    attempts = await db.scalar(
        text("SELECT count(*) FROM outreach_attempts WHERE user_id = :u"), {"u": owner.user.user_id}
    )
    assert attempts == 1  # the refused step left no attempt


async def _reply(db: AsyncSession, sequence_id: uuid.UUID, text_: str = "Not interested") -> None:
    log_id = await db.scalar(
        text(
            "SELECT log_id FROM email_workflow_logs WHERE sequence_id = :s "
            "ORDER BY sent_at DESC LIMIT 1"
        ),
        {"s": sequence_id},
    )
    fields = {"from": f"Maria <{OWNER_EMAIL}>", "to": f"reply+{log_id}@propintel.example",
              "subject": "Re: hi", "text": text_, "headers": "", "envelope": "{}"}  # fmt: skip
    secret = sendgrid_events.inbound_secret(settings())
    await email_events.receive_reply(db, settings(), secret, fields, text_.encode(), now=NOW + DAY)
    await run_email_jobs(db)


async def test_a_reply_pauses_and_the_subscriber_may_resume(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)
    await _reply(db, sequence.sequence_id)
    row = await sequence_row(db, sequence.sequence_id)
    assert (row["status"], row["pause_reason"]) == ("paused", "replied")
    assert (await _due(db, NOW + 3 * DAY)).sequences == 0  # paused: nothing due
    resumed = await email_outreach.resume_sequence(
        db, owner.user, sequence.sequence_id, now=NOW + 4 * DAY
    )
    assert (resumed.status, resumed.next_send_at) == ("active", NOW + 4 * DAY)  # overdue: now
    report = await _due(db, NOW + 4 * DAY)
    assert report.sent == 1  # the earlier reply does not pause it again


async def test_a_reply_between_steps_is_caught_before_the_next_one(db: AsyncSession) -> None:
    """Even without the event's own pause (say the job ran late), the step checks the replies."""
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)
    await db.execute(
        text("UPDATE email_workflow_logs SET replied_at = :t WHERE sequence_id = :s"),
        {"t": NOW + DAY, "s": sequence.sequence_id},
    )
    await _due(db, NOW + 3 * DAY)
    row = await sequence_row(db, sequence.sequence_id)
    assert (row["status"], row["pause_reason"]) == ("paused", "replied")


async def test_a_bounce_pauses_for_good(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)
    message_id = await db.scalar(
        text("SELECT sendgrid_message_id FROM email_workflow_logs WHERE sequence_id = :s"),
        {"s": sequence.sequence_id},
    )
    body, headers = signed_events(
        [{"event": "bounce", "sg_event_id": "b-1", "sg_message_id": f"{message_id}.filter1",
          "timestamp": 1777900000, "email": OWNER_EMAIL}]
    )  # fmt: skip
    await email_events.receive_events(
        db, settings(), body, headers["X-Twilio-Email-Event-Webhook-Signature"],
        headers["X-Twilio-Email-Event-Webhook-Timestamp"],
    )  # fmt: skip
    await run_email_jobs(db)
    row = await sequence_row(db, sequence.sequence_id)
    assert (row["status"], row["pause_reason"]) == ("paused", "bounced")
    with pytest.raises(Conflict, match="cannot resume: An e-mail bounced"):
        await email_outreach.resume_sequence(db, owner.user, sequence.sequence_id, now=NOW + DAY)


async def test_an_unsubscribe_pauses_blocks_and_cannot_be_resumed(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)
    log_id = await db.scalar(
        text("SELECT log_id FROM email_workflow_logs WHERE sequence_id = :s"),
        {"s": sequence.sequence_id},
    )
    await email_events.unsubscribe(db, settings(), unsubscribe_token(settings(), log_id), now=NOW)
    row = await sequence_row(db, sequence.sequence_id)
    assert (row["status"], row["pause_reason"]) == ("paused", "opted_out")
    with pytest.raises(Conflict):
        await email_outreach.resume_sequence(db, owner.user, sequence.sequence_id, now=NOW + DAY)
    await email_outreach.stop_sequence(db, owner.user, sequence.sequence_id, now=NOW + DAY)
    with pytest.raises(OutreachBlocked, match=r"^Opted out"):
        await start_intro(db, owner, now=NOW + 2 * DAY)


async def test_an_opt_out_recorded_elsewhere_pauses_at_the_next_step(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)
    await compliance.record_opt_out(
        db, user_id=None, contact=OWNER_EMAIL, channel="all", reason="platform"
    )
    await _due(db, NOW + 3 * DAY)
    row = await sequence_row(db, sequence.sequence_id)
    assert (row["status"], row["pause_reason"]) == ("paused", "opted_out")


@pytest.mark.parametrize("closing", [LeadStatus.LOST, LeadStatus.WON])
async def test_a_closed_lead_pauses_its_sequence(db: AsyncSession, closing: LeadStatus) -> None:
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)  # the lead is now contacted
    if closing == LeadStatus.WON:
        for status in (LeadStatus.QUALIFIED, LeadStatus.APPOINTMENT, LeadStatus.WON):
            await move_lead(db, owner.user.user_id, owner.lead_id, status, NOW)
    else:
        await move_lead(db, owner.user.user_id, owner.lead_id, closing, NOW)
    await _due(db, NOW + 3 * DAY)
    row = await sequence_row(db, sequence.sequence_id)
    assert (row["status"], row["pause_reason"]) == ("paused", "lead_closed")
    with pytest.raises(Conflict, match="won or lost"):
        await email_outreach.resume_sequence(db, owner.user, sequence.sequence_id, now=NOW + DAY)


async def test_a_provider_refusal_pauses_and_refunds(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)
    await _due(db, NOW + 3 * DAY, failing_senders())
    row = await sequence_row(db, sequence.sequence_id)
    assert (row["status"], row["pause_reason"]) == ("paused", "send_failed")
    assert await token_balance(db, owner.user.user_id) == 99
    resumed = await email_outreach.resume_sequence(
        db, owner.user, sequence.sequence_id, now=NOW + 4 * DAY
    )
    assert resumed.status == "active"
    assert (await _due(db, NOW + 4 * DAY)).sent == 1


async def test_pause_resume_stop_by_the_subscriber(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)
    paused = await email_outreach.pause_sequence(db, owner.user, sequence.sequence_id, now=NOW)
    assert (paused.status, paused.pause_reason) == ("paused", "by_subscriber")
    assert (await _due(db, NOW + 3 * DAY)).sequences == 0
    with pytest.raises(Conflict):
        await email_outreach.pause_sequence(db, owner.user, sequence.sequence_id, now=NOW)
    resumed = await email_outreach.resume_sequence(
        db, owner.user, sequence.sequence_id, now=NOW + DAY
    )
    assert resumed.next_send_at == NOW + 3 * DAY  # on schedule again
    stopped = await email_outreach.stop_sequence(
        db, owner.user, sequence.sequence_id, now=NOW + DAY
    )
    assert (stopped.status, stopped.next_send_at) == ("stopped", None)
    with pytest.raises(Conflict):
        await email_outreach.resume_sequence(db, owner.user, sequence.sequence_id, now=NOW + DAY)


async def test_another_subscriber_cannot_touch_the_sequence(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)
    other = await ready_owner(db, address="7 OTHER ST")
    for change in (
        email_outreach.pause_sequence,
        email_outreach.resume_sequence,
        email_outreach.stop_sequence,
    ):
        with pytest.raises(NotFound):
            await change(db, other.user, sequence.sequence_id, now=NOW)
    with pytest.raises(NotFound):
        await email_outreach.get_sequence(db, other.user, sequence.sequence_id)
    assert (await sequence_row(db, sequence.sequence_id))["status"] == "active"


async def test_an_unexpected_error_pauses_instead_of_resending(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)

    async def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(email_outreach, "_send_step", broken)
    report = await _due(db, NOW + 3 * DAY)
    assert report.errors == 1
    row = await sequence_row(db, sequence.sequence_id)
    assert (row["status"], row["pause_reason"]) == ("paused", "error")
