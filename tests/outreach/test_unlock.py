"""Contact unlock, the service: charging on a match only, the freshness window (a second
subscriber pays without a provider call; after the window a refresh call is made), provider
failures charge and store nothing, batches stop charging at the ledger's first refusal, each
subscriber sees only its own unlocks, plan gating, and the ledger reconciles after a mixed run."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from propintel.catalog.mapping import ACTION_COST_SERVICE
from propintel.catalog.service import FeatureNotInPlan
from propintel.config import Settings, get_settings
from propintel.leads.service import LeadNotFound
from propintel.maintenance.tokens import reconcile_tokens
from propintel.outreach import unlock as service
from propintel.outreach.unlock import UnlockStatus
from propintel.search.service import PlanRequired
from propintel.tokens.errors import AccountSuspended, EmailNotVerified, InsufficientTokens
from tests.factories import funded_subscriber, make_subscriber, make_user, saved_lead, token_balance
from tests.outreach.unlock_helpers import (
    NOW,
    CountingTracer,
    ScriptedTracer,
    failing,
    match,
    no_match,
    owner_property,
    usage_rows,
)
from tests.tokens.helpers import set_daily_limit

PRICE = 50  # contact_enrichment in the seeded price list
LIST_COST = Decimal("0.010000")  # its actual_cost_usd


@pytest.fixture
def settings() -> Settings:
    return get_settings()


async def unlock(db: AsyncSession, user, ids, tracer, settings, now=NOW):  # type: ignore[no-untyped-def]
    return await service.unlock(db, user, ids, tracer=tracer, now=now, settings=settings)


async def stored(db: AsyncSession, property_id):  # type: ignore[no-untyped-def]
    row = await db.execute(
        text(
            "SELECT c.matched, c.phones, c.emails, c.provider, c.provider_cost, c.enriched_at, "
            "p.phone_number, p.email, p.enriched_at AS p_enriched FROM properties p "
            "LEFT JOIN property_contacts c USING (property_id) WHERE p.property_id = :p"
        ),
        {"p": property_id},
    )
    return row.one()


async def test_a_match_is_charged_stored_and_shown(db: AsyncSession, settings: Settings) -> None:
    user = await funded_subscriber(db, tokens=200)
    prop = await owner_property(db)
    tracer = ScriptedTracer(script={str(prop): match(cost=Decimal("0.07"))})
    report = await unlock(db, user, [prop], tracer, settings)

    outcome = report.of(prop)
    assert outcome.status == UnlockStatus.UNLOCKED and outcome.tokens == PRICE
    assert not outcome.from_cache and report.provider_calls == 1
    assert await token_balance(db, user.user_id) == 200 - PRICE
    (log,) = await usage_rows(db, user.user_id)
    assert log.action_type == "contact_enrichment" and log.tokens_used == PRICE
    assert log.actual_cost == Decimal("0.07")  # the provider's reported cost
    assert log.reference == f"unlock:{prop}"
    # The request carried the owner's name from the appraiser's "LAST FIRST" line.
    (request,) = tracer.calls[0]
    assert (request.first_name, request.last_name, request.state) == ("Jane", "Doe", "FL")

    row = await stored(db, prop)
    assert row.matched and row.provider == "batchdata" and row.enriched_at == NOW
    assert [p["number"] for p in row.phones] == [
        "+17865550150", "+13055550170", "+13055550142", "+19545550160"
    ]  # fmt: skip
    assert row.emails == ["jane.doe@example.com", "jd@example.net"]
    # The spec's columns: the best mobile that is neither DNC nor a litigator; the first e-mail.
    assert (row.phone_number, row.email, row.p_enriched) == (
        "+13055550142", "jane.doe@example.com", NOW
    )  # fmt: skip

    contact = await service.unlocked_contact(db, user, prop)
    assert contact is not None and contact.matched and not contact.simulated
    assert contact.best_phone is not None and contact.best_phone.display == "(305) 555-0142"
    flags = {p.number: (p.type, p.dnc, p.litigator) for p in contact.phones}
    assert flags["+17865550150"] == ("mobile", True, False)
    assert flags["+13055550170"] == ("mobile", False, True)
    assert contact.unlocked_at == NOW


async def test_no_match_is_stored_not_charged_and_not_traced_again(
    db: AsyncSession, settings: Settings
) -> None:
    user = await funded_subscriber(db, tokens=200)
    other = await funded_subscriber(db, tokens=200)
    prop = await owner_property(db)
    tracer = ScriptedTracer(script={str(prop): no_match()})
    report = await unlock(db, user, [prop], tracer, settings)
    assert report.of(prop).status == UnlockStatus.NO_MATCH and report.tokens_charged == 0
    assert await token_balance(db, user.user_id) == 200 and await usage_rows(db, user.user_id) == []
    row = await stored(db, prop)
    assert row.matched is False and row.phone_number is None and row.p_enriched == NOW

    later = NOW + timedelta(days=30)
    for who in (user, other):  # the same subscriber again, and another one: free, no call
        again = await unlock(db, who, [prop], tracer, settings, now=later)
        assert again.of(prop).status == UnlockStatus.NO_MATCH
        assert again.tokens_charged == 0 and again.provider_calls == 0
    assert len(tracer.calls) == 1
    assert await token_balance(db, other.user_id) == 200


async def test_a_provider_failure_charges_and_stores_nothing(
    db: AsyncSession, settings: Settings
) -> None:
    user = await funded_subscriber(db, tokens=200)
    prop = await owner_property(db)
    report = await unlock(db, user, [prop], failing(), settings)
    outcome = report.of(prop)
    assert outcome.status == UnlockStatus.FAILED
    assert outcome.message == (
        "The skip-trace provider did not answer; nothing was charged. Try again later."
    )
    assert await token_balance(db, user.user_id) == 200 and await usage_rows(db, user.user_id) == []
    assert (await stored(db, prop)).matched is None  # no property_contacts row
    assert await service.unlocked_contact(db, user, prop) is None
    # One property: the failure is raised (503), with the same words.
    with pytest.raises(service.ProviderUnavailable) as raised:
        await service.unlock_property(db, user, prop, tracer=failing(), now=NOW, settings=settings)
    assert raised.value.status_code == 503
    held = await db.scalar(text("SELECT count(*) FROM token_reservations"))
    assert held == 0  # a timeout never leaves a hold open: none is ever taken


async def test_within_the_window_a_second_subscriber_pays_without_a_provider_call(
    db: AsyncSession, settings: Settings
) -> None:
    first = await funded_subscriber(db, tokens=200)
    second = await funded_subscriber(db, tokens=200)
    prop = await owner_property(db)
    tracer = ScriptedTracer(script={str(prop): match(cost=Decimal("0.07"))})
    await unlock(db, first, [prop], tracer, settings)
    first_result = await service.unlocked_contact(db, first, prop)
    assert first_result is not None and first_result.matched

    day_89 = NOW + timedelta(days=89)
    report = await unlock(db, second, [prop], tracer, settings, now=day_89)
    outcome = report.of(prop)
    assert outcome.status == UnlockStatus.UNLOCKED and outcome.from_cache
    assert report.provider_calls == 0 and len(tracer.calls) == 1  # no provider call
    (log,) = await usage_rows(db, second.user_id)
    assert log.tokens_used == PRICE and log.actual_cost == 0  # nothing spent at the provider
    assert await token_balance(db, second.user_id) == 200 - PRICE
    seen = await service.unlocked_contact(db, second, prop)
    assert seen is not None and seen.phones == first_result.phones
    assert seen.enriched_at == NOW and seen.unlocked_at == day_89

    # The first subscriber again: already unlocked and fresh, nothing charged, no call.
    again = await unlock(db, first, [prop], tracer, settings, now=day_89)
    assert again.of(prop).status == UnlockStatus.ALREADY_UNLOCKED
    assert again.tokens_charged == 0 and len(tracer.calls) == 1
    assert await token_balance(db, first.user_id) == 200 - PRICE


async def test_the_offline_simulator_is_called_once_per_window(
    db: AsyncSession, settings: Settings
) -> None:
    users = [await funded_subscriber(db, tokens=200) for _ in range(3)]
    prop = await owner_property(db)
    tracer = CountingTracer()
    for n, user in enumerate(users):
        await unlock(db, user, [prop], tracer, settings, now=NOW + timedelta(days=n))
    assert tracer.calls == 1
    contacts = [await service.unlocked_contact(db, user, prop) for user in users]
    assert all(c is not None and c.simulated and c.provider == "local" for c in contacts)
    assert len({c.phones for c in contacts if c is not None}) == 1


async def test_after_the_window_a_refresh_call_is_made_and_charged(
    db: AsyncSession, settings: Settings
) -> None:
    user = await funded_subscriber(db, tokens=200)
    second = await funded_subscriber(db, tokens=200)
    prop = await owner_property(db)
    tracer = ScriptedTracer()
    await unlock(db, user, [prop], tracer, settings)
    stale = NOW + timedelta(days=settings.contact_freshness_days)
    contact = await service.unlocked_contact(db, user, prop)
    assert contact is not None and contact.stale(stale, settings.contact_freshness_days)
    assert not contact.stale(stale - timedelta(seconds=1), settings.contact_freshness_days)

    tracer.script[str(prop)] = match(cost=Decimal("0.09"))
    for who in (user, second):
        report = await unlock(db, who, [prop], tracer, settings, now=stale)
        assert report.of(prop).status == UnlockStatus.UNLOCKED
    assert len(tracer.calls) == 2  # the refresh; the second subscriber used it
    logs = await usage_rows(db, user.user_id)
    assert [log.actual_cost for log in logs] == [LIST_COST, Decimal("0.09")]
    assert (await stored(db, prop)).enriched_at == stale
    (second_log,) = await usage_rows(db, second.user_id)
    assert second_log.actual_cost == 0


async def test_a_batch_charges_each_match_once(db: AsyncSession, settings: Settings) -> None:
    user = await funded_subscriber(db, tokens=1000)
    props = [await owner_property(db) for _ in range(6)]
    tracer = ScriptedTracer(
        script={str(props[1]): no_match(), str(props[4]): no_match(), str(props[5]): no_match()}
    )
    report = await unlock(db, user, [*props, props[0]], tracer, settings)  # a duplicate id
    assert [o.status for o in report.outcomes] == [
        UnlockStatus.UNLOCKED, UnlockStatus.NO_MATCH, UnlockStatus.UNLOCKED,
        UnlockStatus.UNLOCKED, UnlockStatus.NO_MATCH, UnlockStatus.NO_MATCH,
    ]  # fmt: skip
    assert report.tokens_charged == 3 * PRICE and len(tracer.calls) == 1
    logs = await usage_rows(db, user.user_id)
    assert sorted(log.reference for log in logs) == sorted(f"unlock:{props[i]}" for i in (0, 2, 3))
    unlocks = await db.scalar(
        text("SELECT count(*) FROM contact_unlocks WHERE user_id = :u"), {"u": user.user_id}
    )
    assert unlocks == 6  # no-matches too: a second try within the window is free


async def test_a_batch_stops_charging_at_the_first_refusal(
    db: AsyncSession, settings: Settings
) -> None:
    user = await funded_subscriber(db, tokens=2 * PRICE + 20)
    other = await funded_subscriber(db, tokens=500)
    cached = await owner_property(db)
    await unlock(db, other, [cached], ScriptedTracer(), settings)  # a fresh result on record
    props = [await owner_property(db) for _ in range(4)]
    tracer = ScriptedTracer(script={str(props[0]): no_match()})

    report = await unlock(db, user, [cached, *props], tracer, settings)
    statuses = [o.status for o in report.outcomes]
    assert statuses == [
        UnlockStatus.UNLOCKED,  # from the stored result
        UnlockStatus.NO_MATCH,
        UnlockStatus.UNLOCKED,
        UnlockStatus.REFUSED,
        UnlockStatus.REFUSED,
    ]
    # Each call asked only for what the balance could still pay: 1 lookup (a no match), then 1.
    assert [len(call) for call in tracer.calls] == [1, 1]
    assert isinstance(report.refusal, InsufficientTokens)
    assert report.outcomes[3].message == "This needs 50 tokens; your balance is 20."
    assert await token_balance(db, user.user_id) == 20
    assert len(await usage_rows(db, user.user_id)) == 2
    assert await service.unlocked_contact(db, user, props[2]) is None
    # One property with too little credit: the ledger's refusal (402), no provider call.
    with pytest.raises(InsufficientTokens):
        await service.unlock_property(db, user, props[3], tracer=tracer, now=NOW, settings=settings)
    assert len(tracer.calls) == 2


async def test_the_daily_limit_stops_a_batch_too(db: AsyncSession, settings: Settings) -> None:
    user = await funded_subscriber(db, tokens=1000)
    await set_daily_limit(db, user.user_id, PRICE)
    props = [await owner_property(db) for _ in range(3)]
    tracer = ScriptedTracer()
    report = await unlock(db, user, props, tracer, settings)
    assert [o.status for o in report.outcomes] == [
        UnlockStatus.UNLOCKED, UnlockStatus.REFUSED, UnlockStatus.REFUSED
    ]  # fmt: skip
    assert report.refusal is not None and report.refusal.rule == "daily_limit"
    assert tracer.traced == 1


async def test_a_failing_provider_is_not_called_again_within_the_batch(
    db: AsyncSession, settings: Settings
) -> None:
    user = await funded_subscriber(db, tokens=100_000)
    props = [await owner_property(db) for _ in range(150)]
    tracer = failing()
    report = await unlock(db, user, props, tracer, settings)
    assert report.count(UnlockStatus.FAILED) == 150 and len(tracer.calls) == 1
    assert len(tracer.calls[0]) == 100  # at most 100 per provider call


async def test_each_subscriber_sees_only_its_own_unlocks(
    db: AsyncSession, settings: Settings
) -> None:
    owner = await funded_subscriber(db, tokens=200)
    stranger = await funded_subscriber(db, tokens=200)
    prop = await owner_property(db)
    await unlock(db, owner, [prop], ScriptedTracer(), settings)
    assert await service.unlocked_contact(db, owner, prop) is not None
    assert await service.unlocked_contact(db, stranger, prop) is None
    view = await service.contact_view(db, stranger, prop, now=NOW, settings=settings)
    assert view.contact is None and view.price == PRICE


async def test_a_plan_without_the_feature_is_refused(db: AsyncSession, settings: Settings) -> None:
    user = await funded_subscriber(db, tokens=200)
    prop = await owner_property(db)
    await db.execute(
        text(
            "UPDATE subscription_plans SET features = features || '{\"contact_unlock\": false}' "
            "WHERE plan_name = 'full'"
        )
    )
    tracer = ScriptedTracer()
    with pytest.raises(FeatureNotInPlan) as refused:
        await unlock(db, user, [prop], tracer, settings)
    assert refused.value.status_code == 403 and "Upgrade your plan" in refused.value.message
    with pytest.raises(FeatureNotInPlan):
        await service.unlock_quote(db, user, [prop], now=NOW, settings=settings)
    view = await service.contact_view(db, user, prop, now=NOW, settings=settings)
    assert view.feature_message is not None
    assert tracer.calls == [] and await token_balance(db, user.user_id) == 200
    no_plan = await make_subscriber(db, Plan.NONE)
    with pytest.raises(FeatureNotInPlan):
        await unlock(db, no_plan, [prop], tracer, settings)


async def test_properties_outside_the_plan(db: AsyncSession, settings: Settings) -> None:
    contractor = await make_subscriber(db, Plan.CONTRACTOR)  # new-homeowner leads only
    distressed = await owner_property(db)
    tracer = ScriptedTracer()
    report = await unlock(db, contractor, [distressed], tracer, settings)
    assert report.of(distressed).status == UnlockStatus.OUTSIDE_PLAN and tracer.calls == []
    with pytest.raises(PlanRequired):
        await service.unlock_property(
            db, contractor, distressed, tracer=tracer, now=NOW, settings=settings
        )
    with pytest.raises(service.NotFound):
        await unlock(db, contractor, [uuid.UUID(int=1)], tracer, settings)


async def test_accounts_that_cannot_spend_are_refused_before_any_call(
    db: AsyncSession, settings: Settings
) -> None:
    prop = await owner_property(db)
    unverified = await make_user(db, plan=Plan.FULL, verified=False)
    tracer = ScriptedTracer()
    with pytest.raises(EmailNotVerified):
        await unlock(db, unverified, [prop], tracer, settings)
    suspended = await funded_subscriber(db, tokens=200)
    await db.execute(
        text("UPDATE users SET suspended_at = :now WHERE user_id = :u"),
        {"now": NOW, "u": suspended.user_id},
    )
    await db.refresh(suspended)
    with pytest.raises(AccountSuspended):
        await unlock(db, suspended, [prop], tracer, settings)
    assert tracer.calls == []


async def test_batch_size_is_checked(db: AsyncSession, settings: Settings) -> None:
    user = await funded_subscriber(db, tokens=200)
    with pytest.raises(service.Invalid) as empty:
        await unlock(db, user, [], ScriptedTracer(), settings)
    assert empty.value.field == "property_ids"
    too_many = [uuid.UUID(int=n + 1) for n in range(501)]
    with pytest.raises(service.Invalid):
        await unlock(db, user, too_many, ScriptedTracer(), settings)


async def test_leads_map_to_their_properties_and_anothers_lead_is_not_found(
    db: AsyncSession, settings: Settings
) -> None:
    user = await funded_subscriber(db, tokens=500)
    stranger = await funded_subscriber(db, tokens=500)
    mine = [await saved_lead(db, user, f"{n} LEAD ST") for n in range(3)]
    theirs = await saved_lead(db, stranger, "9 OTHER ST")
    tracer = ScriptedTracer()
    _, per_lead = await service.unlock_leads(
        db, user, mine, tracer=tracer, now=NOW, settings=settings
    )
    assert [item.lead_id for item in per_lead] == mine
    assert all(item.outcome.status == UnlockStatus.UNLOCKED for item in per_lead)
    assert per_lead[0].outcome.address == "0 LEAD ST, MIAMI, FL 33139"
    with pytest.raises(LeadNotFound):
        await service.unlock_leads(
            db, user, [*mine, theirs], tracer=tracer, now=NOW, settings=settings
        )
    with pytest.raises(LeadNotFound):
        await service.quote_leads(db, user, [theirs], now=NOW, settings=settings)


async def test_the_quote_counts_what_could_be_charged(db: AsyncSession, settings: Settings) -> None:
    user = await funded_subscriber(db, tokens=300)
    other = await funded_subscriber(db, tokens=300)
    done, empty, fresh, new = [await owner_property(db) for _ in range(4)]
    await unlock(db, user, [done], ScriptedTracer(), settings)
    await unlock(db, other, [empty, fresh], ScriptedTracer({str(empty): no_match()}), settings)
    quote = await service.unlock_quote(
        db, user, [done, empty, fresh, new], now=NOW, settings=settings
    )
    assert (quote.selected, quote.already_unlocked, quote.known_no_match) == (4, 1, 1)
    assert (quote.chargeable, quote.price, quote.max_total) == (2, PRICE, 2 * PRICE)
    assert quote.balance == 300 - PRICE and quote.affordable


async def test_the_ledger_reconciles_after_a_mixed_run(
    db: AsyncSession, settings: Settings
) -> None:
    await reconcile_tokens(db)  # the pool starts equal to the ledgers
    users = [await funded_subscriber(db, tokens=t) for t in (1000, 120, 60)]
    props = [await owner_property(db) for _ in range(12)]
    tracer = CountingTracer()
    for n, user in enumerate(users):
        await unlock(db, user, props[n * 3 : n * 3 + 6], tracer, settings)
    await unlock(db, users[0], props[9:], failing(), settings)
    report = await reconcile_tokens(db)
    assert report.discrepancy_count == 0
    assert not report.pool_changed
    charged = await db.scalar(
        text(
            "SELECT count(*) FROM token_usage_logs WHERE action_type = 'contact_enrichment' "
            "AND user_id = ANY(:users)"
        ),
        {"users": [u.user_id for u in users]},
    )
    paid = await db.scalar(
        text("SELECT count(*) FROM contact_unlocks WHERE usage_log_id IS NOT NULL")
    )
    assert charged == paid


async def test_without_a_provider_cost_an_ai_cost_config_row_applies_when_one_fits(
    db: AsyncSession, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await funded_subscriber(db, tokens=500)
    first, second = await owner_property(db), await owner_property(db)
    await unlock(db, user, [first], ScriptedTracer(), settings)  # no row fits: the price list
    monkeypatch.setitem(ACTION_COST_SERVICE, "contact_enrichment", "batchdata_skip_trace")
    await db.execute(
        text(
            "INSERT INTO ai_cost_config (service_name, cost_per_unit) "
            "VALUES ('batchdata_skip_trace', 0.123)"
        )
    )
    await unlock(db, user, [second], ScriptedTracer(), settings)
    costs = {log.reference: log.actual_cost for log in await usage_rows(db, user.user_id)}
    assert costs == {f"unlock:{first}": LIST_COST, f"unlock:{second}": Decimal("0.123")}
