"""CRM sync (outreach.crm): connecting (the key encrypted at rest, the workspace checked first),
pushing leads, the sync job's requests to Twenty, retry with backoff, changes that follow, plan
gating and tenancy."""

from __future__ import annotations

import itertools
import logging
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.account_data.service import erase_account
from propintel.auth.models import Plan, User
from propintel.catalog.service import FeatureNotInPlan
from propintel.config import get_settings
from propintel.integrations.crm import CrmAccount
from propintel.integrations.providers import crm_client
from propintel.kit.errors import Conflict, Forbidden, Invalid, NotFound
from propintel.leads import service as leads
from propintel.leads.models import LeadStatus
from propintel.outreach import crm
from tests.factories import DEFAULT_PASSWORD, make_subscriber, make_user, saved_lead
from tests.outreach.crm_helpers import (
    BASE,
    KEY,
    NOW,
    FakeTwenty,
    contact_row,
    queued_syncs,
)

SETTINGS = get_settings()


async def connect_twenty(db: AsyncSession, user: User, twenty: FakeTwenty) -> crm.Connection:
    return await crm.connect(
        db, user, settings=SETTINGS, clients=twenty.clients(), now=NOW, base_url=BASE,
        api_key=KEY,
    )  # fmt: skip


async def sync(db: AsyncSession, lead_id: uuid.UUID, twenty: FakeTwenty, minutes: int = 0) -> str:
    contact = await contact_row(db, lead_id)
    return await crm.sync_contact(
        db,
        contact["contact_id"],
        settings=SETTINGS,
        clients=twenty.clients(),
        now=NOW + timedelta(minutes=minutes),
    )


# --- connecting --------------------------------------------------------------------------------


async def _pushed_lead(db: AsyncSession) -> tuple[User, FakeTwenty, uuid.UUID]:
    """A subscriber connected to a (fake) Twenty workspace, with one saved lead pushed."""
    user = await make_subscriber(db)
    twenty = FakeTwenty()
    await connect_twenty(db, user, twenty)
    lead_id = await saved_lead(db, user, now=NOW)
    await crm.push_leads(db, user, [lead_id], settings=SETTINGS)
    return user, twenty, lead_id


async def test_the_key_is_checked_then_stored_encrypted_and_shown_by_its_last_4(
    db: AsyncSession,
) -> None:
    user = await make_subscriber(db)
    twenty = FakeTwenty()

    connection = await connect_twenty(db, user, twenty)

    assert twenty.calls() == [("GET", "/rest/people")]
    assert twenty.auth == [f"Bearer {KEY}"]
    stored = await db.scalar(
        text("SELECT api_key_encrypted FROM crm_connections WHERE user_id = :u"),
        {"u": user.user_id},
    )
    assert stored and KEY not in stored
    assert crm.decrypt_key(SETTINGS, stored) == KEY
    assert connection.key_hint == "…9f3c"
    assert connection.base_url == BASE and not connection.simulated


async def test_a_refused_key_stores_nothing_and_says_why(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    twenty = FakeTwenty(fail=[("GET", "/rest/people", 401)])

    with pytest.raises(Invalid) as refused:
        await connect_twenty(db, user, twenty)

    assert refused.value.field == "api_key"
    assert "HTTP 401" in refused.value.message and "scripted 401" in refused.value.message
    assert KEY not in refused.value.message
    assert await crm.connection_of(db, user, SETTINGS) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://api.twenty.com", "https://api.twenty.com"),
        ("https://api.twenty.com/rest/", "https://api.twenty.com"),
        ("  https://example.org/twenty/  ", "https://example.org/twenty"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
    ],
)
def test_base_urls_accepted(raw: str, expected: str) -> None:
    assert crm.check_base_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "crm.example.com",
        "ftp://crm.example.com",
        "http://crm.example.com",  # plain http off this machine
        "https://169.254.169.254",  # link-local: cloud metadata
        "https://10.0.0.5",
        "https://[fd00::1]",
        "https://user:pw@crm.example.com",
        "https://crm.example.com/?next=x",
    ],
)
def test_base_urls_refused(raw: str) -> None:
    with pytest.raises(Invalid) as refused:
        crm.check_base_url(raw)
    assert refused.value.field == "base_url"


async def test_a_plan_without_crm_sync_cannot_connect(db: AsyncSession) -> None:
    contractor = await make_subscriber(db, Plan.CONTRACTOR)

    with pytest.raises(FeatureNotInPlan) as refused:
        await crm.connect(db, contractor, settings=SETTINGS, clients=crm_client, now=NOW,
                          simulator=True)  # fmt: skip

    assert refused.value.status_code == 403
    assert "CRM sync" in refused.value.message and "Upgrade" in refused.value.message


async def test_an_unverified_account_cannot_connect(db: AsyncSession) -> None:
    user = await make_user(db, plan=Plan.FULL, verified=False)

    with pytest.raises(Forbidden):
        await crm.connect(db, user, settings=SETTINGS, clients=crm_client, now=NOW, simulator=True)


# --- pushing and syncing -----------------------------------------------------------------------
async def test_a_pushed_lead_becomes_a_person_an_opportunity_and_a_note(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    twenty = FakeTwenty()
    await connect_twenty(db, user, twenty)
    lead_id = await saved_lead(db, user, "9 OCEAN DR", now=NOW)
    await leads.move_lead(db, user.user_id, lead_id, LeadStatus.CONTACTED, NOW)
    await leads.add_note(db, user.user_id, lead_id, "Owner wants a call after 5", NOW)

    pushed = await crm.push_leads(db, user, [lead_id], settings=SETTINGS)

    assert pushed.lead_ids == [lead_id] and pushed.created == 1
    row = await contact_row(db, lead_id)
    assert row["sync_status"] == "pending"
    assert (row["name"], row["pipeline_stage"], row["intent_rating"]) == (
        "Jane Doe",
        "contacted",
        30,
    )
    assert row["notes"] == "Owner wants a call after 5"
    assert await queued_syncs(db) == [str(row["contact_id"])]

    twenty.requests.clear()
    assert await sync(db, lead_id, twenty) == "synced"

    assert twenty.calls() == [
        ("POST", "/rest/people"),
        ("POST", "/rest/opportunities"),
        ("POST", "/rest/notes"),
        ("POST", "/rest/noteTargets"),
    ]
    (person,) = twenty.bodies("POST", "/rest/people")
    assert person == {"name": {"firstName": "Jane", "lastName": "Doe"}}
    (opportunity,) = twenty.bodies("POST", "/rest/opportunities")
    row = await contact_row(db, lead_id)
    assert opportunity == {
        "name": "9 OCEAN DR, MIAMI, FL 33139",
        "stage": "SCREENING",
        "pointOfContactId": row["twenty_contact_id"],
        "amount": {"amountMicros": 400_000 * 1_000_000, "currencyCode": "USD"},
    }
    (note,) = twenty.bodies("POST", "/rest/notes")
    assert note["bodyV2"] == {"markdown": "Owner wants a call after 5"}
    (target,) = twenty.bodies("POST", "/rest/noteTargets")
    assert target["personId"] == row["twenty_contact_id"]
    assert row["sync_status"] == "synced" and row["synced_at"] == NOW
    assert row["twenty_contact_id"].startswith("person-")
    assert row["twenty_opportunity_id"].startswith("opportunity-")
    assert row["sync_error"] is None and row["sync_attempts"] == 0


async def test_a_later_sync_patches_and_sends_a_note_only_when_the_notes_changed(
    db: AsyncSession,
) -> None:
    user, twenty, lead_id = await _pushed_lead(db)
    await sync(db, lead_id, twenty)
    first = await contact_row(db, lead_id)

    twenty.requests.clear()
    await leads.move_lead(db, user.user_id, lead_id, LeadStatus.CONTACTED, NOW)
    await leads.move_lead(db, user.user_id, lead_id, LeadStatus.QUALIFIED, NOW)
    await sync(db, lead_id, twenty, minutes=1)

    assert twenty.calls() == [
        ("PATCH", f"/rest/people/{first['twenty_contact_id']}"),
        ("PATCH", f"/rest/opportunities/{first['twenty_opportunity_id']}"),
    ]
    patched = twenty.bodies("PATCH", f"/rest/opportunities/{first['twenty_opportunity_id']}")
    assert patched[0]["stage"] == "MEETING" and "pointOfContactId" not in patched[0]

    twenty.requests.clear()
    await leads.add_note(db, user.user_id, lead_id, "Visit on Friday", NOW)
    await sync(db, lead_id, twenty, minutes=2)
    assert [path for _method, path in twenty.calls()][-2:] == ["/rest/notes", "/rest/noteTargets"]
    assert (await contact_row(db, lead_id))["notes"] == "Visit on Friday"


@pytest.mark.parametrize(
    ("status", "stage"),
    [
        ("new", "NEW"),
        ("contacted", "SCREENING"),
        ("qualified", "MEETING"),
        ("appointment", "MEETING"),
        ("won", "CUSTOMER"),
        ("lost", None),
    ],
)
def test_stages_follow_the_pipeline(status: str, stage: str | None) -> None:
    assert crm.STAGE_OF_STATUS[status] == stage


async def test_a_lost_lead_keeps_its_stage_and_says_lost(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    twenty = FakeTwenty()
    await connect_twenty(db, user, twenty)
    lead_id = await saved_lead(db, user, "5 LOST WAY", now=NOW)
    await crm.push_leads(db, user, [lead_id], settings=SETTINGS)
    await sync(db, lead_id, twenty)
    twenty.requests.clear()

    await leads.move_lead(db, user.user_id, lead_id, LeadStatus.LOST, NOW)
    await sync(db, lead_id, twenty, minutes=1)

    (patched,) = [body for method, path, body in twenty.requests if "opportunities" in path]
    assert patched == {"name": "5 LOST WAY, MIAMI, FL 33139 (lost)", "amount": patched["amount"]}
    assert "stage" not in patched


async def test_pushing_another_subscribers_lead_is_not_found_and_queues_nothing(
    db: AsyncSession,
) -> None:
    owner, other = await make_subscriber(db), await make_subscriber(db)
    await crm.connect(db, other, settings=SETTINGS, clients=crm_client, now=NOW, simulator=True)
    theirs = await saved_lead(db, owner, now=NOW)
    mine = await saved_lead(db, other, now=NOW)

    with pytest.raises(NotFound):
        await crm.push_leads(db, other, [mine, theirs], settings=SETTINGS)
    with pytest.raises(NotFound):
        await crm.lead_sync(db, other, theirs, settings=SETTINGS)
    with pytest.raises(NotFound):
        await crm.retry_lead(db, other, theirs, settings=SETTINGS, now=NOW)

    assert await queued_syncs(db) == []
    assert await db.scalar(text("SELECT count(*) FROM crm_contacts")) == 0


async def test_pushing_needs_a_connection(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    lead_id = await saved_lead(db, user, now=NOW)

    with pytest.raises(Conflict) as refused:
        await crm.push_leads(db, user, [lead_id], settings=SETTINGS)

    assert "Connect a CRM first" in refused.value.message


# --- failures, retries and backoff ---------------------------------------------------------------
async def test_retryable_failures_wait_longer_each_time(db: AsyncSession) -> None:
    _user, twenty, lead_id = await _pushed_lead(db)
    twenty.fail = [("POST", "/rest/people", 503), ("POST", "/rest/people", 429)]

    assert await sync(db, lead_id, twenty) == "retry"
    first = await contact_row(db, lead_id)
    assert (first["sync_status"], first["sync_attempts"]) == ("pending", 1)
    assert first["next_sync_at"] == NOW + timedelta(minutes=2)
    assert "HTTP 503" in first["sync_error"]

    assert await sync(db, lead_id, twenty, minutes=2) == "retry"
    second = await contact_row(db, lead_id)
    assert second["sync_attempts"] == 2
    assert second["next_sync_at"] == NOW + timedelta(minutes=2 + 4)
    assert "HTTP 429" in second["sync_error"]

    assert await sync(db, lead_id, twenty, minutes=6) == "synced"
    assert (await contact_row(db, lead_id))["sync_attempts"] == 0


def test_the_wait_doubles_up_to_six_hours() -> None:
    waits = [crm.backoff(n) for n in range(1, 12)]
    assert waits[:4] == [timedelta(minutes=m) for m in (2, 4, 8, 16)]
    assert all(later >= earlier for earlier, later in itertools.pairwise(waits))
    assert max(waits) == timedelta(hours=6) == crm.backoff(40)


async def test_a_refusal_fails_for_good_with_the_message_until_retried(db: AsyncSession) -> None:
    user, twenty, lead_id = await _pushed_lead(db)
    twenty.fail = [("POST", "/rest/people", 400)]

    assert await sync(db, lead_id, twenty) == "failed"

    failed = await contact_row(db, lead_id)
    assert failed["sync_status"] == "failed" and failed["next_sync_at"] is None
    assert "HTTP 400" in failed["sync_error"] and "scripted 400" in failed["sync_error"]
    followed = await crm.follow_changes(db, NOW + timedelta(hours=7))
    assert followed.retries == 0  # a failed sync is not retried by itself

    jobs_before = len(await queued_syncs(db))
    await crm.retry_lead(db, user, lead_id, settings=SETTINGS, now=NOW)
    retried = await contact_row(db, lead_id)
    assert (retried["sync_status"], retried["sync_attempts"], retried["sync_error"]) == (
        "pending", 0, None,
    )  # fmt: skip
    assert len(await queued_syncs(db)) == jobs_before + 1
    assert await sync(db, lead_id, twenty, minutes=1) == "synced"


async def test_retryable_failures_give_up_after_the_last_attempt(db: AsyncSession) -> None:
    _user, twenty, lead_id = await _pushed_lead(db)
    await db.execute(
        text("UPDATE crm_contacts SET sync_attempts = :n"), {"n": crm.MAX_ATTEMPTS - 1}
    )
    twenty.fail = [("POST", "/rest/people", 502)]

    assert await sync(db, lead_id, twenty) == "failed"
    assert "gave up after 12 attempts" in (await contact_row(db, lead_id))["sync_error"]


async def test_a_record_created_before_a_failure_is_updated_not_created_again(
    db: AsyncSession,
) -> None:
    _user, twenty, lead_id = await _pushed_lead(db)
    twenty.fail = [("POST", "/rest/opportunities", 500)]

    assert await sync(db, lead_id, twenty) == "retry"
    person_id = (await contact_row(db, lead_id))["twenty_contact_id"]
    assert person_id is not None

    twenty.requests.clear()
    assert await sync(db, lead_id, twenty, minutes=2) == "synced"
    assert twenty.calls()[:2] == [("PATCH", f"/rest/people/{person_id}"),
                                  ("POST", "/rest/opportunities")]  # fmt: skip


async def test_a_plan_that_lost_crm_sync_fails_the_sync_with_the_upgrade_message(
    db: AsyncSession,
) -> None:
    user, twenty, lead_id = await _pushed_lead(db)
    user.subscription_tier = Plan.CONTRACTOR
    await db.flush()

    assert await sync(db, lead_id, twenty) == "failed"
    assert "CRM sync" in (await contact_row(db, lead_id))["sync_error"]
    assert twenty.calls() == [("GET", "/rest/people")]  # only the connection's check


# --- changes follow ----------------------------------------------------------------------------
async def test_the_periodic_job_queues_changed_leads_and_due_retries(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    twenty = FakeTwenty()
    await connect_twenty(db, user, twenty)
    changed, unchanged, retrying = [await saved_lead(db, user, f"{n} ST", now=NOW) for n in "123"]
    await crm.push_leads(db, user, [changed, unchanged, retrying], settings=SETTINGS)
    for lead_id in (changed, unchanged):
        await sync(db, lead_id, twenty)
    twenty.fail = [("POST", "/rest/people", 500)]
    await sync(db, retrying, twenty)  # next try at NOW + 2 minutes
    await leads.move_lead(
        db, user.user_id, changed, LeadStatus.CONTACTED, NOW + timedelta(minutes=1)
    )
    before = len(await queued_syncs(db))

    early = await crm.follow_changes(db, NOW + timedelta(minutes=1, seconds=30))
    assert (early.changed, early.retries) == (1, 0)
    assert (await contact_row(db, changed))["sync_status"] == "pending"
    assert (await contact_row(db, unchanged))["sync_status"] == "synced"

    later = await crm.follow_changes(db, NOW + timedelta(minutes=3))
    assert (later.changed, later.retries) == (0, 1)  # the changed lead is queued already
    queued = (await queued_syncs(db))[before:]
    assert queued == [
        str((await contact_row(db, changed))["contact_id"]),
        str((await contact_row(db, retrying))["contact_id"]),
    ]
    assert (await contact_row(db, retrying))["next_sync_at"] is None

    await sync(db, changed, twenty, minutes=4)
    patched = [body for method, path, body in twenty.requests if method == "PATCH"
               and "opportunities" in path]  # fmt: skip
    assert patched[-1]["stage"] == "SCREENING"


async def test_the_periodic_job_skips_plans_without_crm_sync(db: AsyncSession) -> None:
    user, twenty, lead_id = await _pushed_lead(db)
    await sync(db, lead_id, twenty)
    await leads.move_lead(
        db, user.user_id, lead_id, LeadStatus.CONTACTED, NOW + timedelta(minutes=1)
    )
    user.subscription_tier = Plan.CONTRACTOR
    await db.flush()

    followed = await crm.follow_changes(db, NOW + timedelta(minutes=5))

    assert followed.users == 0 and followed.changed == 0


# --- connection changes --------------------------------------------------------------------------
async def test_another_workspace_gets_every_pushed_lead_again(db: AsyncSession) -> None:
    user, twenty, lead_id = await _pushed_lead(db)
    await sync(db, lead_id, twenty)

    await crm.connect(
        db, user, settings=SETTINGS, clients=twenty.clients(), now=NOW, simulator=True
    )

    row = await contact_row(db, lead_id)
    assert row["twenty_contact_id"] is None and row["sync_status"] == "pending"
    followed = await crm.follow_changes(db, NOW + timedelta(minutes=5))
    assert followed.retries == 1
    assert await sync(db, lead_id, twenty, minutes=5) == "synced"
    assert (await contact_row(db, lead_id))["twenty_contact_id"].startswith("local-person-")


async def test_a_new_key_for_the_same_workspace_keeps_the_links_and_retries_failures(
    db: AsyncSession,
) -> None:
    user = await make_subscriber(db)
    twenty = FakeTwenty()
    await connect_twenty(db, user, twenty)
    ok, failing = (
        await saved_lead(db, user, "1 OK ST", now=NOW),
        await saved_lead(db, user, now=NOW),
    )
    await crm.push_leads(db, user, [ok, failing], settings=SETTINGS)
    await sync(db, ok, twenty)
    twenty.fail = [("POST", "/rest/people", 401)]
    await sync(db, failing, twenty)
    person_id = (await contact_row(db, ok))["twenty_contact_id"]

    await crm.connect(db, user, settings=SETTINGS, clients=twenty.clients(), now=NOW,
                      base_url=BASE + "/", api_key="a-new-key-0001")  # fmt: skip

    assert (await contact_row(db, ok))["twenty_contact_id"] == person_id
    assert (await contact_row(db, ok))["sync_status"] == "synced"
    assert (await contact_row(db, failing))["sync_status"] == "pending"


async def test_disconnecting_forgets_the_key_and_the_links(db: AsyncSession) -> None:
    user, twenty, lead_id = await _pushed_lead(db)
    await sync(db, lead_id, twenty)

    assert await crm.disconnect(db, user) is True

    assert await crm.connection_of(db, user, SETTINGS) is None
    row = await contact_row(db, lead_id)
    assert row["twenty_contact_id"] is None and row["next_sync_at"] is None
    assert await sync(db, lead_id, twenty) == "failed"  # a job queued before: nothing to call
    assert "Connect a CRM first" in (await contact_row(db, lead_id))["sync_error"]
    assert await crm.disconnect(db, user) is False


# --- the offline simulator -----------------------------------------------------------------------
async def test_the_simulator_holds_what_was_pushed(db: AsyncSession) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    await crm.connect(db, user, settings=SETTINGS, clients=crm_client, now=NOW, simulator=True)
    lead_id = await saved_lead(db, user, "7 SIM ST", now=NOW)
    await leads.add_note(db, user.user_id, lead_id, "Simulated note", NOW)
    await crm.push_leads(db, user, [lead_id], settings=SETTINGS)
    contact_id = (await contact_row(db, lead_id))["contact_id"]

    outcome = await crm.sync_contact(db, contact_id, settings=SETTINGS, clients=crm_client, now=NOW)

    assert outcome == "synced"
    rows = (
        await db.execute(
            text("SELECT user_id, kind, payload FROM local_crm_records ORDER BY kind DESC")
        )
    ).all()
    assert [(r.user_id, r.kind) for r in rows] == [(user.user_id, "person"),
                                                   (user.user_id, "opportunity")]  # fmt: skip
    person, opportunity = rows[0].payload, rows[1].payload
    assert (person["first_name"], person["last_name"]) == ("Jane", "Doe")
    assert person["notes"][0]["body"] == "Simulated note"
    assert opportunity["stage"] == "NEW" and opportunity["name"].startswith("7 SIM ST")
    assert (
        opportunity["point_of_contact_id"] == (await contact_row(db, lead_id))["twenty_contact_id"]
    )
    assert other.user_id not in {r.user_id for r in rows}


async def test_the_key_is_never_logged(db: AsyncSession, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    user, twenty, lead_id = await _pushed_lead(db)
    twenty.fail = [("POST", "/rest/people", 401)]

    assert await sync(db, lead_id, twenty) == "failed"

    assert any("crm sync failed" in record.getMessage() for record in caplog.records)
    for record in caplog.records:
        assert KEY not in record.getMessage() and KEY not in repr(record.__dict__)
    assert KEY not in repr(CrmAccount(user.user_id, "twenty", BASE, KEY))
    assert KEY not in (await contact_row(db, lead_id))["sync_error"]


async def test_erasing_the_account_empties_its_simulated_workspace(db: AsyncSession) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    for who in (user, other):
        await crm.connect(db, who, settings=SETTINGS, clients=crm_client, now=NOW, simulator=True)
        lead_id = await saved_lead(db, who, now=NOW)
        await crm.push_leads(db, who, [lead_id], settings=SETTINGS)
        contact_id = (await contact_row(db, lead_id))["contact_id"]
        await crm.sync_contact(db, contact_id, settings=SETTINGS, clients=crm_client, now=NOW)

    await erase_account(db, SETTINGS, user, typed_email=user.email, password=DEFAULT_PASSWORD,
                        ip="203.0.113.9", now=NOW)  # fmt: skip

    owners = (await db.execute(text("SELECT DISTINCT user_id FROM local_crm_records"))).scalars()
    assert list(owners) == [other.user_id]
    assert (
        await db.scalar(
            text("SELECT count(*) FROM crm_connections WHERE user_id = :u"), {"u": user.user_id}
        )
        == 0
    )
