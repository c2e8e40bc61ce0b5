"""One-off e-mails to owners, the service: through the local outbox and through SendGrid (the
exact request body, its headers and custom args), charged once and refunded when the provider
refuses, the CAN-SPAM footer and one-click unsubscribe header, every refusal with nothing
charged (address, unlock, postal address, variables, plan, guard, ledger, account), Spanish
templates, and tenancy."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, UserType
from propintel.catalog.service import FeatureNotInPlan
from propintel.kit.errors import Conflict, Invalid
from propintel.leads.service import LeadNotFound
from propintel.outreach import compliance, email_outreach
from propintel.outreach.compliance import OutreachBlocked, Rule
from propintel.outreach.email_content import BUILT_IN, log_of_token
from propintel.outreach.email_outreach import EmailNotSent, PostalAddressMissing
from propintel.tokens.errors import AccountSuspended, EmailNotVerified, InsufficientTokens
from tests.factories import make_user, saved_lead, token_balance
from tests.outreach.email_helpers import (
    NOW,
    OWNER_EMAIL,
    SECOND_EMAIL,
    failing_senders,
    local_senders,
    log_row,
    ready_owner,
    send_one,
    sendgrid_senders,
    settings,
    unlock_for,
)


async def _outbox(db: AsyncSession, email_id: str) -> Any:
    return (
        (
            await db.execute(
                text("SELECT * FROM email_outbox WHERE email_id = CAST(:id AS uuid)"),
                {"id": email_id},
            )
        )
        .mappings()
        .one()
    )


async def _attempts(db: AsyncSession, user_id: Any) -> list[tuple[bool, str | None]]:
    rows = await db.execute(
        text(
            "SELECT allowed, rule FROM outreach_attempts WHERE user_id = :u AND channel = 'email' "
            "ORDER BY attempted_at"
        ),
        {"u": user_id},
    )
    return [(row.allowed, row.rule) for row in rows]


async def test_one_off_through_the_outbox_is_charged_logged_and_counted(db: AsyncSession) -> None:
    owner = await ready_owner(db)

    delivery = await send_one(db, owner)

    assert delivery.sent
    log = await log_row(db, delivery.log_id)
    assert (log["email_type"], log["email_subject"], log["to_email"], log["status"]) == (
        "one_off",
        "Hello Maria",
        OWNER_EMAIL,
        "sent",
    )
    assert (log["user_id"], log["lead_id"], log["sent_at"]) == (
        owner.user.user_id,
        owner.lead_id,
        NOW,
    )
    assert log["usage_log_id"] is not None and log["sequence_id"] is None
    assert await token_balance(db, owner.user.user_id) == 99
    usage = (
        await db.execute(
            text(
                "SELECT action_type, tokens_used, reference FROM token_usage_logs WHERE log_id = :l"
            ),
            {"l": log["usage_log_id"]},
        )
    ).one()
    assert tuple(usage) == ("email_send", 1, f"email:{delivery.log_id}")
    # The outbox row is the "provider's" message: its id is the log's message id.
    kept = await _outbox(db, log["sendgrid_message_id"])
    assert kept["user_id"] == owner.user.user_id  # the sender's outbox shows it
    assert kept["to_email"] == OWNER_EMAIL and kept["subject"] == "Hello Maria"
    assert kept["from_email"] == "Sunny Pools <alerts@propintel.example>"
    assert kept["category"] == "owner_email"
    unsubscribe = kept["headers"]["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/unsubscribe/" in unsubscribe
    token = unsubscribe.rstrip(">").rsplit("/", 1)[1]
    assert log_of_token(settings(), token) == delivery.log_id
    assert kept["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert kept["headers"]["Reply-To"] == f"reply+{delivery.log_id}@propintel.example"
    # CAN-SPAM: the sender, its postal address and the unsubscribe link at the foot.
    body = kept["text_body"]
    assert body.startswith("About 1 LEAD ST, MIAMI, FL 33139.")
    assert "Sunny Pools\n12 Main St, Suite 4\nMiami, FL 33101" in body
    assert unsubscribe.strip("<>") in body
    assert "Sunny Pools" in kept["html_body"] and unsubscribe.strip("<>") in kept["html_body"]
    # The guard's attempt, and the lead moved on.
    assert await _attempts(db, owner.user.user_id) == [(True, None)]
    lead = (
        await db.execute(
            text("SELECT status, contact_attempts FROM saved_leads WHERE lead_id = :l"),
            {"l": owner.lead_id},
        )
    ).one()
    assert tuple(lead) == ("contacted", 1)


async def test_one_off_through_sendgrid_sends_the_exact_request(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await ready_owner(db)
    requests: list[urllib.request.Request] = []
    senders = sendgrid_senders(monkeypatch, requests, "sgmsg-7")

    delivery = await send_one(db, owner, senders, to=SECOND_EMAIL.upper())

    [request] = requests
    assert request.full_url == "https://api.sendgrid.com/v3/mail/send"
    body = json.loads(request.data)  # type: ignore[arg-type]
    log_id = str(delivery.log_id)
    link = body["headers"]["List-Unsubscribe"].strip("<>")
    assert link.startswith(settings().public_base_url.rstrip("/") + "/unsubscribe/")
    text_part, html_part = body["content"]
    assert body == {
        "from": {"name": "Sunny Pools", "email": "alerts@propintel.example"},
        "subject": "Hello Maria",
        "personalizations": [{"to": [{"email": SECOND_EMAIL}]}],
        "content": [
            {"type": "text/plain", "value": text_part["value"]},
            {"type": "text/html", "value": html_part["value"]},
        ],
        "categories": ["owner_email"],
        "headers": {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        "custom_args": {"log_id": log_id, "user_id": str(owner.user.user_id)},
        "reply_to": {"email": f"reply+{log_id}@propintel.example"},
    }
    assert link in text_part["value"] and "Miami, FL 33101" in text_part["value"]
    log = await log_row(db, delivery.log_id)
    assert (log["sendgrid_message_id"], log["to_email"]) == ("sgmsg-7", SECOND_EMAIL)


async def test_a_provider_refusal_refunds_and_logs_failed(db: AsyncSession) -> None:
    owner = await ready_owner(db)

    with pytest.raises(EmailNotSent) as refused:
        await send_one(db, owner, failing_senders())

    assert refused.value.status_code == 503 and refused.value.commit_changes
    assert "credit was refunded" in refused.value.message
    assert await token_balance(db, owner.user.user_id) == 100
    log = (
        await db.execute(
            text("SELECT status, sendgrid_message_id, usage_log_id FROM email_workflow_logs "
                 "WHERE user_id = :u"),
            {"u": owner.user.user_id},
        )
    ).one()  # fmt: skip
    assert (log.status, log.sendgrid_message_id) == ("failed", None)
    refund = await db.scalar(
        text("SELECT tokens_amount FROM token_transactions WHERE usage_log_id = :l "
             "AND transaction_type = 'refund'"),
        {"l": log.usage_log_id},
    )  # fmt: skip
    assert refund == 1
    status = await db.scalar(
        text("SELECT status FROM saved_leads WHERE lead_id = :l"), {"l": owner.lead_id}
    )
    assert status == "new"  # nothing reached the owner: no contact logged


async def _nothing_charged(db: AsyncSession, owner: Any) -> None:
    assert await token_balance(db, owner.user.user_id) == 100
    assert not await db.scalar(
        text("SELECT count(*) FROM email_workflow_logs WHERE user_id = :u"),
        {"u": owner.user.user_id},
    )


async def test_only_an_unlocked_address_of_this_owner(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    with pytest.raises(Invalid) as other:
        await send_one(db, owner, to="someone@example.org")
    assert other.value.field == "to"
    lead_id = await saved_lead(db, owner.user, "9 OTHER ST")
    with pytest.raises(Conflict, match="Get the owner's contact first"):
        await email_outreach.send_email(
            db, owner.user, lead_id, OWNER_EMAIL, "Hi", "Hello", now=NOW,
            senders=local_senders(), settings=settings(),
        )  # fmt: skip
    await _nothing_charged(db, owner)


async def test_no_postal_address_no_email(db: AsyncSession) -> None:
    owner = await ready_owner(db, postal=None)
    with pytest.raises(PostalAddressMissing) as refused:
        await send_one(db, owner)
    assert "postal address" in refused.value.message and refused.value.field == "postal_address"
    await _nothing_charged(db, owner)


@pytest.mark.parametrize(
    ("subject", "body", "field", "message"),
    [
        ("Hi {owner_last_name}", "x", "subject", "Unknown variable {owner_last_name}"),
        ("Hi", "Dear {owner_first_name!r}", "body", "Unknown variable {owner_first_name}"),
        ("Hi", "A { brace", "body", "A brace is not closed"),
        ("  ", "x", "subject", "Write a subject."),
        ("Hi", "\n \n", "body", "Write the e-mail."),
    ],
)
async def test_texts_are_checked_first(
    db: AsyncSession, subject: str, body: str, field: str, message: str
) -> None:
    owner = await ready_owner(db)
    with pytest.raises(Invalid) as refused:
        await send_one(db, owner, subject=subject, body=body)
    assert refused.value.field == field and refused.value.message.startswith(message)
    await _nothing_charged(db, owner)


async def test_braces_and_variables_render(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    delivery = await send_one(
        db, owner, subject="{business_name} {{for}} {owner_first_name}", body="At {address}."
    )
    log = await log_row(db, delivery.log_id)
    assert log["email_subject"] == "Sunny Pools {for} Maria"


async def test_plan_without_the_feature_is_refused(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    await db.execute(
        text(
            "UPDATE subscription_plans SET features = features || '{\"email_sequences\": false}' "
            "WHERE plan_name = 'full'"
        )
    )
    with pytest.raises(FeatureNotInPlan) as refused:
        await send_one(db, owner)
    assert refused.value.status_code == 403 and "E-mail sequences" in refused.value.message
    await _nothing_charged(db, owner)


async def test_an_opted_out_owner_is_blocked_with_nothing_charged(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    await compliance.record_opt_out(
        db, user_id=owner.user.user_id, contact=OWNER_EMAIL, channel="email", reason="test"
    )
    with pytest.raises(OutreachBlocked) as blocked:
        await send_one(db, owner)
    assert blocked.value.rule == Rule.OPTED_OUT and blocked.value.commit_changes
    await _nothing_charged(db, owner)
    assert await _attempts(db, owner.user.user_id) == [(False, "opted_out")]
    await send_one(db, owner, to=SECOND_EMAIL)  # the other address did not opt out


async def test_not_enough_credits_leaves_no_attempt_behind(db: AsyncSession) -> None:
    owner = await ready_owner(db, tokens=0)
    with pytest.raises(InsufficientTokens):
        await send_one(db, owner)
    assert await _attempts(db, owner.user.user_id) == []  # the guard's row went with the refusal
    assert not await db.scalar(
        text("SELECT count(*) FROM email_workflow_logs WHERE user_id = :u"),
        {"u": owner.user.user_id},
    )


async def test_suspended_and_unverified_accounts_send_nothing(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    await db.execute(
        text("UPDATE users SET suspended_at = :t WHERE user_id = :u"),
        {"t": NOW, "u": owner.user.user_id},
    )
    with pytest.raises(AccountSuspended):
        await send_one(db, owner)
    unverified = await make_user(db, UserType.SUBSCRIBER, plan=Plan.FULL, verified=False)
    lead_id = await saved_lead(db, unverified, "5 NEW ST")
    property_id = await db.scalar(
        text("SELECT property_id FROM saved_leads WHERE lead_id = :l"), {"l": lead_id}
    )
    await unlock_for(db, unverified, property_id, (OWNER_EMAIL,))
    await db.execute(
        text("UPDATE subscriber_profiles SET postal_address = 'PO Box 1' WHERE user_id = :u"),
        {"u": unverified.user_id},
    )
    with pytest.raises(EmailNotVerified):
        await email_outreach.send_email(
            db, unverified, lead_id, OWNER_EMAIL, "Hi", "Hello", now=NOW,
            senders=local_senders(), settings=settings(),
        )  # fmt: skip
    sent = await db.scalar(
        text("SELECT count(*) FROM email_outbox WHERE to_email = :e"), {"e": OWNER_EMAIL}
    )
    assert sent == 0


async def test_a_spanish_template_has_a_spanish_footer(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    draft = await email_outreach.one_off_draft(db, owner.user, "builtin:intro_es", "", "")
    assert draft.locale == "es" and draft.subject == BUILT_IN["intro_es"].steps[0].subject
    delivery = await email_outreach.send_email(
        db, owner.user, owner.lead_id, OWNER_EMAIL, draft.subject, draft.body, now=NOW,
        senders=local_senders(), settings=settings(), locale=draft.locale,
    )  # fmt: skip
    log = await log_row(db, delivery.log_id)
    kept = await _outbox(db, log["sendgrid_message_id"])
    assert kept["subject"] == "Sobre su propiedad en 1 LEAD ST, MIAMI, FL 33139"
    assert kept["text_body"].startswith("Hola, Maria:")
    assert "Usted recibió este correo" in kept["text_body"]


async def test_a_typed_text_wins_over_the_template(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    draft = await email_outreach.one_off_draft(db, owner.user, "builtin:intro_es", "Mine", "")
    assert (draft.subject, draft.body) == ("Mine", BUILT_IN["intro_es"].steps[0].body)
    with pytest.raises(Invalid):
        await email_outreach.one_off_draft(db, owner.user, "builtin:nope", "", "")


async def test_a_subscribers_email_script_is_a_template(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    script_id = await db.scalar(
        text(
            "INSERT INTO subscriber_scripts (user_id, script_type, script_name, script_content) "
            "VALUES (:u, 'email', 'Pool offer', "
            "'Subject: Pools at {address}\nHi {owner_first_name}!') "
            "RETURNING script_id"
        ),
        {"u": owner.user.user_id},
    )
    choices = {c.key: c for c in await email_outreach.templates_for(db, owner.user)}
    choice = choices[f"script:{script_id}"]
    assert choice.label == "Pool offer" and choice.steps[0].subject == "Pools at {address}"
    draft = await email_outreach.one_off_draft(db, owner.user, choice.key, "", "")
    await email_outreach.send_email(
        db, owner.user, owner.lead_id, OWNER_EMAIL, draft.subject, draft.body, now=NOW,
        senders=local_senders(), settings=settings(), script_id=draft.script_id,
    )  # fmt: skip
    used = await db.scalar(
        text("SELECT use_count FROM subscriber_scripts WHERE script_id = :s"), {"s": script_id}
    )
    assert used == 1


async def test_another_subscriber_cannot_email_or_read_this_lead(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    await send_one(db, owner)
    other = await ready_owner(db, address="2 OTHER ST")
    with pytest.raises(LeadNotFound):
        await email_outreach.send_email(
            db, other.user, owner.lead_id, OWNER_EMAIL, "Hi", "Hello", now=NOW,
            senders=local_senders(), settings=settings(),
        )  # fmt: skip
    with pytest.raises(LeadNotFound):
        await email_outreach.lead_emails(db, other.user, owner.lead_id, limit=10)
    mine, _cursor = await email_outreach.lead_emails(db, owner.user, owner.lead_id, limit=10)
    assert len(mine) == 1
