"""Sending a text (outreach.sms.send_sms): charged per segment, stored in the lead's thread and
logged on the lead; templates and their variables; every refusal leaves what it should (a guard
block: its record only; a ledger refusal: nothing; a provider failure: the refund and the failed
text); plan gating and tenancy; the real Twilio adapter's request through the service."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from propintel.catalog.service import FeatureNotInPlan
from propintel.config import get_settings
from propintel.integrations.providers import sms_senders
from propintel.integrations.twilio.sms import TwilioSms, twilio_client
from propintel.kit.errors import Conflict, Invalid
from propintel.leads.service import LeadNotFound
from propintel.outreach import sms
from propintel.outreach.compliance import OutreachBlocked, Rule
from propintel.outreach.sms import SmsNotSent, send_sms
from propintel.outreach.sms_webhooks import defer_delivery
from propintel.tokens.errors import EmailNotVerified, InsufficientTokens
from tests.factories import funded_subscriber, make_subscriber, make_user, token_balance
from tests.integrations.test_twilio_sms import ACCOUNT, TOKEN, CannedTwilio
from tests.outreach.sms_helpers import (
    MOBILE,
    NOW,
    FailingSender,
    RecordingSender,
    count,
    unlocked_lead,
)

SETTINGS = get_settings()
LOCAL = sms_senders(SETTINGS, on_local_send=defer_delivery)
TEXTS = "SELECT count(*) FROM conversation_history WHERE channel = 'sms'"
NETWORK = "SELECT count(*) FROM local_sms_messages"
USAGE = "SELECT count(*) FROM token_usage_logs WHERE user_id = :u"
ATTEMPTS = "SELECT count(*) FROM outreach_attempts WHERE user_id = :u"


async def _send(
    db: AsyncSession,
    owner,
    body: str | None = "Hello",
    *,
    to: str = MOBILE,
    sender=None,
    template=None,
    now=NOW,
):  # type: ignore[no-untyped-def]
    return await send_sms(
        db,
        owner.user,
        owner.lead_id,
        to,
        body,
        sender=sender or LOCAL(db),
        now=now,
        settings=SETTINGS,
        template=template,
    )


async def test_a_text_is_charged_per_segment_stored_and_logged_on_the_lead(
    db: AsyncSession,
) -> None:
    owner = await unlocked_lead(db)
    body = "x" * 200  # two segments of GSM-7
    sent = await _send(db, owner, body)
    assert (sent.segments, sent.tokens, sent.balance) == (2, 20, 80)
    assert await token_balance(db, owner.user.user_id) == 80
    row = (
        await db.execute(
            text(
                "SELECT user_id, lead_id, message_role, message_content, contact, sender, "
                "provider_message_id, delivery_status, tokens_used, usage_log_id, read_at "
                "FROM conversation_history WHERE conversation_id = :c"
            ),
            {"c": sent.conversation_id},
        )
    ).one()
    assert (row.user_id, row.lead_id, row.message_role) == (
        owner.user.user_id,
        owner.lead_id,
        "outbound",
    )
    assert (row.message_content, row.contact, row.sender) == (body, MOBILE, "+13055550100")
    assert (row.provider_message_id, row.delivery_status, row.tokens_used) == (
        sent.sid,
        "queued",
        20,
    )
    usage = (
        await db.execute(
            text(
                "SELECT action_type, tokens_used, reference FROM token_usage_logs WHERE log_id = :l"
            ),
            {"l": row.usage_log_id},
        )
    ).one()
    assert tuple(usage) == ("sms_send", 20, f"sms:{sent.conversation_id}")
    lead = (
        await db.execute(
            text("SELECT status, contact_attempts FROM saved_leads WHERE lead_id = :l"),
            {"l": owner.lead_id},
        )
    ).one()
    assert tuple(lead) == ("contacted", 1)
    # the simulator carried it, and its delivery is deferred
    assert await count(db, NETWORK) == 1
    assert (
        await count(
            db,
            "SELECT count(*) FROM procrastinate_jobs "
            "WHERE task_name = 'outreach.sms_simulate_delivery'",
        )
        == 1
    )


async def test_an_accented_text_is_ucs2_and_costs_more_segments(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    sent = await _send(db, owner, "á" * 71)
    assert (sent.segments, sent.tokens) == (2, 20)


async def test_a_starter_template_is_filled_in_for_the_owner(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    sent = await _send(db, owner, None, template="starter:intro_es")
    assert sent.body.startswith(
        "Hola Maria, le escribe Sunrise Homes. Me interesa su propiedad en 12 PALM AVE."
    )


async def test_free_text_variables_are_filled_in(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    sent = await _send(db, owner, "Hi {owner_first_name}, about {address} - {business_name}")
    assert sent.body == "Hi Maria, about 12 PALM AVE - Sunrise Homes"


@pytest.mark.parametrize(
    ("body", "named"),
    [("Hi {first_name}", "{first_name}"), ("Hi {owner_first_name}", "{owner_first_name}")],
)
async def test_an_unknown_or_empty_variable_is_refused_by_name_and_nothing_happens(
    db: AsyncSession, body: str, named: str
) -> None:
    owner = await unlocked_lead(db, owner_name="SUNSHINE HOLDINGS LLC")
    with pytest.raises(Invalid) as refused:
        await _send(db, owner, body)
    assert named in refused.value.message and refused.value.field == "body"
    assert await count(db, TEXTS) == 0 and await token_balance(db, owner.user.user_id) == 100
    assert await count(db, ATTEMPTS, u=owner.user.user_id) == 0


async def test_a_missing_business_name_is_named(db: AsyncSession) -> None:
    owner = await unlocked_lead(db, business_name=None)
    with pytest.raises(Invalid, match="business name"):
        await _send(db, owner, None, template="starter:intro_en")


async def test_a_subscriber_script_is_sent_and_counted(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    script_id = await db.scalar(
        text(
            "INSERT INTO subscriber_scripts (user_id, script_type, script_name, script_content) "
            "VALUES (:u, 'sms', 'Mine', 'Hello {owner_first_name}!') RETURNING script_id"
        ),
        {"u": owner.user.user_id},
    )
    names = [t.name for t in await sms.templates(db, owner.user)]
    assert "Mine" in names and len(names) == 4  # the three starters and the script
    sent = await _send(db, owner, "", template=f"script:{script_id}")
    assert sent.body == "Hello Maria!"
    row = (
        await db.execute(
            text("SELECT use_count, last_used_at FROM subscriber_scripts WHERE script_id = :s"),
            {"s": script_id},
        )
    ).one()
    assert tuple(row) == (1, NOW)


async def test_another_subscribers_script_is_not_a_template(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    other = await make_subscriber(db)
    script_id = await db.scalar(
        text(
            "INSERT INTO subscriber_scripts (user_id, script_type, script_name, script_content) "
            "VALUES (:u, 'sms', 'Theirs', 'Hi') RETURNING script_id"
        ),
        {"u": other.user_id},
    )
    with pytest.raises(Invalid) as refused:
        await _send(db, owner, "", template=f"script:{script_id}")
    assert refused.value.field == "template"


async def test_no_consent_is_blocked_by_the_guard_nothing_charged_nothing_sent(
    db: AsyncSession,
) -> None:
    owner = await unlocked_lead(db, consent=False)
    with pytest.raises(OutreachBlocked) as blocked:
        await _send(db, owner)
    assert blocked.value.rule == Rule.NO_CONSENT and blocked.value.status_code == 403
    assert await token_balance(db, owner.user.user_id) == 100
    assert await count(db, USAGE, u=owner.user.user_id) == 0
    assert await count(db, TEXTS) == 0 and await count(db, NETWORK) == 0
    # the guard's record of the block is kept
    row = (
        await db.execute(
            text("SELECT allowed, rule FROM outreach_attempts WHERE user_id = :u"),
            {"u": owner.user.user_id},
        )
    ).one()
    assert tuple(row) == (False, "no_consent")


async def test_quiet_hours_block_with_the_reason(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    with pytest.raises(OutreachBlocked) as blocked:
        await _send(db, owner, now=NOW.replace(hour=21))
    assert blocked.value.rule == Rule.QUIET_HOURS
    assert await count(db, NETWORK) == 0 and await token_balance(db, owner.user.user_id) == 100


async def test_a_provider_failure_is_refunded_at_once_and_the_failed_text_kept(
    db: AsyncSession,
) -> None:
    owner = await unlocked_lead(db)
    failing = FailingSender()
    with pytest.raises(SmsNotSent) as refused:
        await _send(db, owner, sender=failing)
    assert refused.value.status_code == 503 and refused.value.commit_changes
    assert "10 tokens were refunded" in refused.value.message
    assert failing.calls == 1
    assert await token_balance(db, owner.user.user_id) == 100
    refunds = await count(
        db,
        "SELECT count(*) FROM token_transactions "
        "WHERE user_id = :u AND transaction_type = 'refund'",
        u=owner.user.user_id,
    )
    assert refunds == 1
    row = (
        await db.execute(
            text(
                "SELECT delivery_status, provider_message_id, tokens_used FROM conversation_history"
            )
        )
    ).one()
    assert tuple(row) == ("failed", None, 0)
    lead = await db.scalar(
        text("SELECT status FROM saved_leads WHERE lead_id = :l"), {"l": owner.lead_id}
    )
    assert lead == "new"  # not contacted


async def test_a_ledger_refusal_leaves_nothing_not_even_the_guards_attempt(
    db: AsyncSession,
) -> None:
    owner = await unlocked_lead(db, tokens=5)
    with pytest.raises(InsufficientTokens):
        await _send(db, owner)
    assert await count(db, ATTEMPTS, u=owner.user.user_id) == 0
    assert await count(db, TEXTS) == 0 and await count(db, NETWORK) == 0


async def test_an_unverified_account_sends_nothing(db: AsyncSession) -> None:
    user = await make_user(db, plan=Plan.FULL, verified=False)
    owner = await unlocked_lead(db, user)
    with pytest.raises(EmailNotVerified):
        await _send(db, owner)
    assert await count(db, NETWORK) == 0 and await count(db, TEXTS) == 0


async def test_only_an_unlocked_number_of_this_owner_can_be_texted(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    with pytest.raises(Invalid) as refused:
        await _send(db, owner, to="+13055559999")
    assert refused.value.field == "to"
    locked = await unlocked_lead(db, owner.user)
    await db.execute(
        text("DELETE FROM contact_unlocks WHERE property_id = :p"), {"p": locked.property_id}
    )
    with pytest.raises(Conflict, match="Unlock"):
        await _send(db, locked)
    assert await count(db, NETWORK) == 0


async def test_without_the_sms_feature_nothing_is_sent(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    owner.user.subscription_status = "expired"  # the plan ended after the lead was saved
    await db.flush()
    with pytest.raises(FeatureNotInPlan):
        await _send(db, owner)
    other = await unlocked_lead(db)
    await db.execute(
        text(
            "UPDATE subscription_plans SET features = features || '{\"sms\": false}' "
            "WHERE plan_name = 'full'"
        )
    )
    with pytest.raises(FeatureNotInPlan, match="comes with"):
        await _send(db, other)
    assert await count(db, NETWORK) == 0 and await count(db, USAGE, u=other.user.user_id) == 0


async def test_another_subscribers_lead_is_not_found(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    stranger = await funded_subscriber(db)
    with pytest.raises(LeadNotFound):
        await send_sms(
            db, stranger, owner.lead_id, MOBILE, "Hi", sender=LOCAL(db), now=NOW, settings=SETTINGS
        )
    with pytest.raises(LeadNotFound):
        await sms.thread_page(db, stranger, owner.lead_id, limit=10)


async def test_the_sender_is_the_subscribers_own_number_when_it_has_one(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    await db.execute(
        text(
            "INSERT INTO subscriber_phone_numbers (user_id, phone_number) "
            "VALUES (:u, '+17865550111')"
        ),
        {"u": owner.user.user_id},
    )
    recording = RecordingSender()
    sent = await _send(db, owner, sender=recording)
    assert sent.sender == "+17865550111" and recording.sent[0]["from"] == "+17865550111"
    assert (
        recording.sent[0]["callback"]
        == SETTINGS.public_base_url.rstrip("/") + "/webhooks/twilio/sms-status"
    )


async def test_through_the_real_twilio_adapter(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    http = CannedTwilio(body={"sid": "SM" + "b" * 32, "status": "queued"})
    twilio = TwilioSms(twilio_client(ACCOUNT, TOKEN, http_client=http))
    sent = await _send(db, owner, "Hola Maria", sender=twilio)
    assert sent.sid == "SM" + "b" * 32
    [request] = http.requests
    assert request["data"] == {
        "To": MOBILE,
        "From": "+13055550100",
        "Body": "Hola Maria",
        "StatusCallback": SETTINGS.public_base_url.rstrip("/") + "/webhooks/twilio/sms-status",
    }
    assert request["url"].endswith(f"/Accounts/{ACCOUNT}/Messages.json")
    assert await count(db, NETWORK) == 0  # nothing went to the simulator


async def test_a_twilio_refusal_through_the_service_is_refunded(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    http = CannedTwilio(status=400, body={"code": 21610, "message": "unsubscribed", "status": 400})
    twilio = TwilioSms(twilio_client(ACCOUNT, TOKEN, http_client=http))
    with pytest.raises(SmsNotSent):
        await _send(db, owner, sender=twilio)
    assert len(http.requests) == 1 and await token_balance(db, owner.user.user_id) == 100


async def test_preview_counts_and_dry_runs_the_guard_without_recording(db: AsyncSession) -> None:
    owner = await unlocked_lead(db, consent=False)
    preview = await sms.preview(
        db,
        owner.user,
        owner.lead_id,
        body="Hi {owner_first_name}",
        template=None,
        to=MOBILE,
        now=NOW,
    )
    assert (preview.body, preview.segments, preview.tokens, preview.balance) == (
        "Hi Maria",
        1,
        10,
        100,
    )
    assert preview.encoding == "GSM-7" and preview.affordable
    assert preview.blocked is not None and "consent" in preview.blocked
    assert await count(db, ATTEMPTS, u=owner.user.user_id) == 0


async def test_thread_pages_by_keyset(db: AsyncSession) -> None:
    owner = await unlocked_lead(db, tokens=200)
    for minute in range(3):
        await _send(
            db,
            owner,
            f"text {minute}",
            to=[MOBILE, "+13055552345", MOBILE][minute],
            now=NOW + timedelta(minutes=minute),
        )
    first, cursor = await sms.thread_page(db, owner.user, owner.lead_id, limit=2)
    assert [m.message_content for m in first] == ["text 2", "text 1"] and cursor
    rest, end = await sms.thread_page(db, owner.user, owner.lead_id, limit=2, cursor=cursor)
    assert [m.message_content for m in rest] == ["text 0"] and end is None
    other = await unlocked_lead(db, owner.user)
    with pytest.raises(Invalid):  # a cursor of one lead's thread does not continue another's
        await sms.thread_page(db, owner.user, other.lead_id, limit=2, cursor=cursor)
    assert uuid.UUID(str(first[0].conversation_id))
