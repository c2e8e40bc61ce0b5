"""The compliance guard, rule by rule: each block with its exact message, the order of the rules,
what it records and logs, consents and opt-outs."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.kit.errors import Invalid
from propintel.kit.i18n import using_locale
from propintel.leads.service import lead_detail
from propintel.outreach import compliance as guard
from propintel.outreach.compliance import Allowed, Blocked, Channel, Rule
from tests.factories import make_property, make_subscriber, saved_lead

NOON = datetime(2026, 7, 1, 12, 0)  # a Wednesday, New York time (EDT)
PHONE = "+13055551234"
EMAIL = "owner@example.com"
NNBSP = "\u202f"  # Babel's space before AM/PM


@pytest.fixture(autouse=True)
def english() -> object:
    with using_locale("en"):
        yield


async def consent(
    db: AsyncSession,
    user: User,
    contact: str = PHONE,
    channel: str = "sms",
    *,
    at: datetime = NOON - timedelta(days=1),
) -> uuid.UUID:
    return await guard.record_consent(
        db,
        user_id=user.user_id,
        contact=contact,
        channel=channel,
        source="written",
        evidence="Signed listing inquiry form, scanned to the deal folder",
        consented_at=at,
        now=NOON - timedelta(hours=1),
    )


async def check(
    db: AsyncSession,
    user: User,
    contact: str = PHONE,
    channel: Channel = Channel.SMS,
    *,
    now: datetime = NOON,
    property_id: uuid.UUID | None = None,
    lead_id: uuid.UUID | None = None,
    fatigue_limit: int | None = None,
) -> guard.Verdict:
    return await guard.check(
        db,
        user=user,
        channel=channel,
        contact=contact,
        property_id=property_id,
        lead_id=lead_id,
        now=now,
        fatigue_limit=fatigue_limit,
    )


async def skip_traced(db: AsyncSession, phones: list[dict[str, object]]) -> uuid.UUID:
    """A property whose skip-trace result lists ``phones``."""
    property_id = await make_property(db)
    await db.execute(
        text(
            "INSERT INTO property_contacts (property_id, matched, phones, provider, enriched_at)"
            " VALUES (:p, true, CAST(:phones AS jsonb), 'local', :at)"
        ),
        {"p": property_id, "phones": json.dumps(phones), "at": NOON - timedelta(days=2)},
    )
    return property_id


async def attempts(db: AsyncSession, user: User) -> list[tuple[object, ...]]:
    rows = await db.execute(
        text(
            "SELECT channel, contact, allowed, rule, message, property_id, lead_id"
            " FROM outreach_attempts WHERE user_id = :u ORDER BY attempted_at, allowed"
        ),
        {"u": user.user_id},
    )
    return [tuple(row) for row in rows]


# --- allowed ----------------------------------------------------------------------------------


async def test_a_consented_text_in_hours_is_allowed_and_recorded(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    lead = await saved_lead(db, user)
    await consent(db, user)

    verdict = await check(db, user, "(305) 555-1234", lead_id=lead)

    assert isinstance(verdict, Allowed) and verdict.contact == PHONE
    property_id = (await lead_detail(db, user.user_id, lead)).lead.property_id
    assert await attempts(db, user) == [("sms", PHONE, True, None, None, property_id, lead)]


async def test_an_email_needs_no_consent_nor_hours(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    verdict = await check(db, user, " Owner@Example.COM ", Channel.EMAIL, now=NOON.replace(hour=23))
    assert isinstance(verdict, Allowed) and verdict.contact == EMAIL


# --- each rule, its exact message -------------------------------------------------------------


@pytest.mark.parametrize("raw", ["555-1234", "(105) 555-1234", "", "not a number"])
async def test_invalid_number(db: AsyncSession, raw: str) -> None:
    user = await make_subscriber(db)
    assert await check(db, user, raw) == Blocked(
        Rule.INVALID_CONTACT,
        "Invalid contact: this is not a valid US phone number. Enter its 10 digits, "
        "like (305) 555-1234.",
    )


@pytest.mark.parametrize("raw", ["owner@", "owner example.com", "@example.com", "a@b"])
async def test_invalid_email(db: AsyncSession, raw: str) -> None:
    user = await make_subscriber(db)
    assert await check(db, user, raw, Channel.EMAIL) == Blocked(
        Rule.INVALID_CONTACT,
        "Invalid contact: this is not a valid e-mail address. Check it and try again.",
    )


OPTED_OUT_TEXT = Blocked(
    Rule.OPTED_OUT,
    "Opted out: the owner asked not to receive any text message at this contact. "
    "An opt-out is permanent: do not contact them this way again.",
)


async def test_own_opt_out_blocks_for_good(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    await consent(db, user)
    await guard.record_opt_out(db, user_id=user.user_id, contact=PHONE, channel="sms", reason="x")

    assert await check(db, user) == OPTED_OUT_TEXT
    assert await check(db, user, now=NOON + timedelta(days=3650)) == OPTED_OUT_TEXT


async def test_another_subscribers_opt_out_does_not_block(db: AsyncSession) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    await consent(db, user)
    await guard.record_opt_out(db, user_id=other.user_id, contact=PHONE, channel="all", reason="x")
    assert isinstance(await check(db, user), Allowed)


async def test_platform_opt_out_of_all_channels_blocks_everyone(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    await consent(db, user, channel="call")
    await guard.record_opt_out(db, user_id=None, contact=PHONE, channel="all", reason="x")
    verdict = await check(db, user, channel=Channel.CALL)
    assert isinstance(verdict, Blocked) and verdict.rule == Rule.OPTED_OUT
    assert "any phone call" in verdict.message


async def test_email_unsubscribe_blocks_email(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    await guard.record_opt_out(
        db, user_id=user.user_id, contact="OWNER@example.com", channel="email", reason="unsub"
    )
    verdict = await check(db, user, EMAIL, Channel.EMAIL)
    assert isinstance(verdict, Blocked) and verdict.rule == Rule.OPTED_OUT


async def test_an_sms_opt_out_leaves_calls(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    await consent(db, user, channel="call")
    await guard.record_opt_out(db, user_id=user.user_id, contact=PHONE, channel="sms", reason="x")
    assert isinstance(await check(db, user, channel=Channel.CALL), Allowed)


LITIGATOR = Blocked(
    Rule.LITIGATOR,
    "Known litigator: this number is flagged as belonging to a serial TCPA plaintiff. "
    "It can never be texted or called from here, even with consent; write by mail instead.",
)


async def test_litigator_even_with_consent(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    await skip_traced(db, [{"number": PHONE, "type": "mobile", "dnc": False, "litigator": True}])
    await consent(db, user)
    assert await check(db, user) == LITIGATOR


DNC = Blocked(
    Rule.DNC,
    "Do-Not-Call list: this number is on the Do-Not-Call list. Only the owner's express consent "
    "to be reached by text message allows it: record that consent (source and evidence) first.",
)


async def test_national_dnc_list(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    await db.execute(
        text("INSERT INTO dnc_numbers (phone, area_code) VALUES (:p, '305')"), {"p": PHONE}
    )
    assert await check(db, user) == DNC


async def test_provider_dnc_flag(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    await skip_traced(db, [{"number": PHONE, "type": "mobile", "dnc": True, "litigator": False}])
    assert await check(db, user) == DNC


async def test_consent_overrides_dnc_for_that_subscriber_and_channel_only(db: AsyncSession) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    await db.execute(
        text("INSERT INTO dnc_numbers (phone, area_code) VALUES (:p, '305')"), {"p": PHONE}
    )
    await consent(db, user, channel="sms")

    assert isinstance(await check(db, user), Allowed)
    assert await check(db, other) == DNC
    verdict = await check(db, user, channel=Channel.CALL)
    assert isinstance(verdict, Blocked) and verdict.rule == Rule.DNC


NO_CONSENT = Blocked(
    Rule.NO_CONSENT,
    "Record the owner's consent (source and evidence) before texting or calling: "
    "Florida's FTSA and the TCPA require it for marketing texts and calls.",
)


async def test_no_consent(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    assert await check(db, user) == NO_CONSENT


async def test_a_revoked_consent_no_longer_counts(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    consent_id = await consent(db, user)
    await guard.revoke_consent(db, user_id=user.user_id, consent_id=consent_id, now=NOON)
    assert await check(db, user, now=NOON + timedelta(minutes=1)) == NO_CONSENT


async def test_another_subscribers_consent_does_not_count(db: AsyncSession) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    await consent(db, other)
    assert await check(db, user) == NO_CONSENT


async def test_unknown_time_zone(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    await consent(db, user, "(212) 555-1234")
    assert await check(db, user, "(212) 555-1234") == Blocked(
        Rule.UNKNOWN_TIME_ZONE,
        "Unknown time zone: area code 212 is not a Florida area code, so the owner's local time "
        "cannot be checked against quiet hours. Only Florida numbers can be texted or called; "
        "use e-mail instead.",
    )


def quiet_hours(when: str) -> Blocked:
    return Blocked(
        Rule.QUIET_HOURS,
        "Quiet hours: texts and calls are allowed only from 8:00 AM to 8:00 PM in the owner's "
        f"time zone. Try again after {when} (New York time).",
    )


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (7, 59, quiet_hours(f"7/1/26, 8:00{NNBSP}AM")),
        (8, 0, None),
        (19, 59, None),
        (20, 0, quiet_hours(f"7/2/26, 8:00{NNBSP}AM")),
        (0, 30, quiet_hours(f"7/1/26, 8:00{NNBSP}AM")),
    ],
)
async def test_quiet_hours_eastern(
    db: AsyncSession, hour: int, minute: int, expected: Blocked | None
) -> None:
    user = await make_subscriber(db)
    await consent(db, user)
    verdict = await check(db, user, now=NOON.replace(hour=hour, minute=minute))
    assert verdict == expected if expected else isinstance(verdict, Allowed)


async def test_quiet_hours_850_waits_for_central_time(db: AsyncSession) -> None:
    """850 spans the Eastern and Central zones: 8:30 in New York is 7:30 in Pensacola."""
    user = await make_subscriber(db)
    await consent(db, user, "(850) 555-1234")
    verdict = await check(db, user, "(850) 555-1234", now=NOON.replace(hour=8, minute=30))
    assert verdict == quiet_hours(f"7/1/26, 9:00{NNBSP}AM")
    assert isinstance(await check(db, user, "(850) 555-1234", now=NOON.replace(hour=9)), Allowed)


async def test_attempt_limit_counts_every_subscriber_and_says_when(db: AsyncSession) -> None:
    users = [await make_subscriber(db) for _ in range(3)]
    for user in users:
        await consent(db, user)
    await consent(db, users[0], channel="call")
    times = [NOON.replace(hour=9), NOON.replace(hour=10, minute=15), NOON.replace(hour=11)]
    for user, when in zip(users, times, strict=True):
        assert isinstance(await check(db, user, now=when), Allowed)

    verdict = await check(db, users[0], channel=Channel.CALL, now=NOON)
    assert verdict == Blocked(
        Rule.ATTEMPT_LIMIT,
        "Attempt limit: this number already had 3 texts or calls in the last 24 hours "
        f"(Florida's FTSA allows no more). The next one is possible from 7/2/26, 9:00{NNBSP}AM "
        "(New York time).",
    )
    assert isinstance(await check(db, users[1], now=NOON + timedelta(hours=21)), Allowed)


async def test_blocked_attempts_do_not_count(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    await consent(db, user)
    for minute in range(5):  # quiet hours: five blocks
        await check(db, user, now=NOON.replace(hour=21, minute=minute))
    for hour in (9, 10, 11):
        assert isinstance(
            await check(db, user, now=NOON.replace(hour=hour) + timedelta(days=1)), Allowed
        )


async def test_owner_fatigue(db: AsyncSession) -> None:
    property_id = await make_property(db)
    users = [await make_subscriber(db) for _ in range(7)]
    for n, user in enumerate(users[:6]):
        verdict = await check(db, user, f"o{n}@example.com", Channel.EMAIL, property_id=property_id)
        assert isinstance(verdict, Allowed)
    assert await guard.subscribers_contacting(db, property_id, NOON) == 6

    assert await check(db, users[6], EMAIL, Channel.EMAIL, property_id=property_id) == Blocked(
        Rule.OWNER_FATIGUE,
        "Owner fatigue: 6 subscribers have already contacted this owner in the last 30 days "
        "(the limit is 6). Leave this owner for now and work another lead.",
    )
    # One already among them continues; after 30 days there is room again.
    again = await check(db, users[0], EMAIL, Channel.EMAIL, property_id=property_id)
    assert isinstance(again, Allowed)
    later = NOON + timedelta(days=30, minutes=1)
    assert isinstance(
        await check(db, users[6], EMAIL, Channel.EMAIL, property_id=property_id, now=later),
        Allowed,
    )


async def test_owner_fatigue_limit_is_the_setting(db: AsyncSession) -> None:
    property_id = await make_property(db)
    first, second = await make_subscriber(db), await make_subscriber(db)
    await check(db, first, EMAIL, Channel.EMAIL, property_id=property_id, fatigue_limit=1)
    verdict = await check(
        db, second, EMAIL, Channel.EMAIL, property_id=property_id, fatigue_limit=1
    )
    assert isinstance(verdict, Blocked) and verdict.rule == Rule.OWNER_FATIGUE


# --- order, records, logs, errors -------------------------------------------------------------


async def test_only_the_first_failing_rule_is_reported(db: AsyncSession) -> None:
    """Opted out, litigator, DNC, no consent, out of Florida and at night: opted out wins; then
    each removal reveals the next rule in order."""
    user = await make_subscriber(db)
    number = "+12125550000"
    await skip_traced(db, [{"number": number, "dnc": True, "litigator": True}])
    await guard.record_opt_out(db, user_id=user.user_id, contact=number, channel="sms", reason="x")
    night = NOON.replace(hour=22)
    assert (await check(db, user, number, now=night)).rule == Rule.OPTED_OUT
    await db.execute(text("DELETE FROM outreach_opt_outs"))
    assert (await check(db, user, number, now=night)).rule == Rule.LITIGATOR
    await db.execute(
        text("UPDATE property_contacts SET phones = CAST(:p AS jsonb)"),
        {"p": json.dumps([{"number": number, "dnc": True, "litigator": False}])},
    )
    assert (await check(db, user, number, now=night)).rule == Rule.DNC
    await consent(db, user, number)
    assert (await check(db, user, number, now=night)).rule == Rule.UNKNOWN_TIME_ZONE


async def test_a_block_is_recorded_and_logged_without_the_number(
    db: AsyncSession, caplog: pytest.LogCaptureFixture
) -> None:
    user = await make_subscriber(db)
    lead = await saved_lead(db, user)
    with caplog.at_level(logging.INFO, logger="propintel.outreach.compliance"):
        verdict = await check(db, user, "(305) 555-1234", lead_id=lead)
    assert verdict == NO_CONSENT
    [(channel, contact, allowed, rule, message, _, lead_id)] = await attempts(db, user)
    assert (channel, contact, allowed, rule, message, lead_id) == (
        "sms", PHONE, False, "no_consent", NO_CONSENT.message, lead,
    )  # fmt: skip
    [record] = caplog.records
    fields = record.fields  # type: ignore[attr-defined]
    assert fields["rule"] == "no_consent" and fields["contact_last4"] == "1234"
    # The number in any spelling; not bare "555", which a random lead id may contain.
    logged = json.dumps(fields) + record.getMessage()
    assert not any(spelling in logged for spelling in (PHONE, "3055551234", "555-1234", "5551234"))


async def test_evaluate_is_a_dry_run(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    blocked = await guard.evaluate(
        db, user=user, channel=Channel.SMS, contact=PHONE, property_id=None, lead_id=None, now=NOON
    )
    assert blocked == NO_CONSENT
    await consent(db, user)
    allowed = await guard.evaluate(
        db, user=user, channel=Channel.SMS, contact=PHONE, property_id=None, lead_id=None, now=NOON
    )
    assert allowed is None
    assert await attempts(db, user) == []


async def test_require_allowed_raises_a_403_naming_the_rule(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    with pytest.raises(guard.OutreachBlocked) as raised:
        await guard.require_allowed(
            db, user=user, channel=Channel.SMS, contact=PHONE, property_id=None, lead_id=None,
            now=NOON,
        )  # fmt: skip
    assert raised.value.rule == Rule.NO_CONSENT
    assert raised.value.status_code == 403 and raised.value.message == NO_CONSENT.message
    assert raised.value.commit_changes  # the blocked attempt is kept


async def test_someone_elses_lead_is_not_found(db: AsyncSession) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    lead = await saved_lead(db, other)
    with pytest.raises(Exception, match="No such lead"):
        await check(db, user, EMAIL, Channel.EMAIL, lead_id=lead)


async def test_messages_in_spanish(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    with using_locale("es"):
        verdict = await check(db, user)
    assert isinstance(verdict, Blocked)
    assert verdict.message.startswith("Registre el consentimiento del propietario")
    with using_locale("es"):
        assert Rule.QUIET_HOURS.label == "Horario de silencio"


# --- consents and opt-outs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contact": "555-1234"}, "contact"),
        ({"channel": "fax"}, "channel"),
        ({"source": "rumour"}, "source"),
        ({"evidence": "   "}, "evidence"),
        ({"evidence": "x" * 2001}, "evidence"),
        ({"consented_at": NOON + timedelta(minutes=1)}, "consented_at"),
    ],
)
async def test_a_bad_consent_names_its_field(
    db: AsyncSession, changes: dict[str, object], field: str
) -> None:
    user = await make_subscriber(db)
    values: dict[str, object] = {
        "contact": PHONE, "channel": "sms", "source": "verbal", "evidence": "Call of 6/30",
        "consented_at": NOON, **changes,
    }  # fmt: skip
    with pytest.raises(Invalid) as raised:
        await guard.record_consent(db, user_id=user.user_id, now=NOON, **values)
    assert raised.value.field == field


async def test_revoking_anothers_consent_is_not_found(db: AsyncSession) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    consent_id = await consent(db, other)
    with pytest.raises(guard.ConsentNotFound):
        await guard.revoke_consent(db, user_id=user.user_id, consent_id=consent_id, now=NOON)


async def test_opt_outs_are_recorded_once(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    assert await guard.record_opt_out(
        db, user_id=user.user_id, contact="(305) 555-1234", channel="all", reason="keyword:STOP"
    )
    assert not await guard.record_opt_out(
        db, user_id=user.user_id, contact=PHONE, channel="all", reason="again"
    )
    assert await guard.record_opt_out(db, user_id=None, contact=PHONE, channel="all", reason="x")
    assert not await guard.record_opt_out(
        db, user_id=None, contact=PHONE, channel="all", reason="y"
    )
    with pytest.raises(Invalid):
        await guard.record_opt_out(db, user_id=None, contact="nope", channel="sms", reason="x")


async def test_stop_opts_out_of_the_subscriber_stopall_of_everyone(db: AsyncSession) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    for who in (user, other):
        await consent(db, who)
        await consent(db, who, channel="call")

    assert (
        await guard.honour_opt_out_keyword(db, user_id=user.user_id, contact=PHONE, body=" stop ")
        == "STOP"
    )
    assert (await check(db, user)).rule == Rule.OPTED_OUT
    assert (await check(db, user, channel=Channel.CALL)).rule == Rule.OPTED_OUT
    assert isinstance(await check(db, other), Allowed)

    assert (
        await guard.honour_opt_out_keyword(db, user_id=other.user_id, contact=PHONE, body="StopAll")
        == "STOPALL"
    )
    assert (await check(db, other, now=NOON.replace(hour=13))).rule == Rule.OPTED_OUT
    assert (
        await guard.honour_opt_out_keyword(
            db, user_id=user.user_id, contact=PHONE, body="Stop sending me these"
        )
        is None
    )
