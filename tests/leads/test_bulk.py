"""Saving many leads at once: the API and the search page's form. Same rules as saving one (plan,
one lead per property, unknown property refused), a fixed number of statements, tags on every
picked lead, and a refusal changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import event, inspect, text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, User
from propintel.kit.errors import Invalid
from propintel.leads.service import save_leads
from propintel.search.criteria import Intent
from propintel.search.service import PlanRequired
from propintel.web.security import CSRF_REFUSAL
from tests.factories import bearer_for, csrf_of, log_in_browser, make_subscriber, scored_property
from tests.leads.helpers import save_lead

NOW = datetime(2026, 6, 2, 10, 0)


async def _leads(db: AsyncSession, user: User) -> dict[uuid.UUID, dict[str, Any]]:
    """The user's leads by property: source, score and tags (``user`` as it was before a refused
    request expired it)."""
    rows = await db.execute(
        text(
            "SELECT property_id, lead_source, lead_score, tags FROM saved_leads WHERE user_id = :u"
        ),
        {"u": inspect(user).identity[0]},
    )
    return {row.property_id: dict(row._mapping) for row in rows}


@contextmanager
def statements(db: AsyncSession) -> Iterator[list[str]]:
    """The SQL statements ``db`` sends meanwhile."""
    sent: list[str] = []
    engine = db.get_bind()

    def record(*args: Any) -> None:
        sent.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_api_saves_new_leads_keeps_existing_ones_and_tags_them_all(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    headers = await bearer_for(client, user)
    old = await scored_property(db, distressed=20)
    existing = await save_lead(client, headers, old, "fsbo")
    homeowner = await scored_property(db, distressed=40, new_homeowner=75)
    distressed = await scored_property(db, distressed=55)
    body = {
        "items": [
            {"property_id": str(homeowner), "lead_source": "new_homeowner"},
            {"property_id": str(old), "lead_source": "distressed"},
            {"property_id": str(distressed), "lead_source": "distressed"},
            {"property_id": str(homeowner), "lead_source": "distressed"},  # picked twice
        ],
        "tags": [" May  mailer ", "may mailer", "Hot"],
    }

    first = await client.post("/api/v1/leads/bulk", json=body, headers=headers)
    again = await client.post("/api/v1/leads/bulk", json=body, headers=headers)

    assert first.status_code == 201, first.text
    result = first.json()
    assert (result["created"], result["already_saved"]) == (2, 1)
    assert result["tags"] == ["May mailer", "Hot"]
    assert result["lead_ids"][1] == existing["lead_id"] and len(set(result["lead_ids"])) == 3
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["already_saved"]) == (0, 3)
    assert again.json()["lead_ids"] == result["lead_ids"]
    leads = await _leads(db, user)
    assert (leads[homeowner]["lead_source"], leads[homeowner]["lead_score"]) == (
        "new_homeowner",
        75,
    )
    assert (leads[distressed]["lead_source"], leads[distressed]["lead_score"]) == ("distressed", 55)
    assert (leads[old]["lead_source"], leads[old]["lead_score"]) == ("fsbo", 20)  # unchanged
    assert {prop: lead["tags"] for prop, lead in leads.items()} == {
        prop: ["May mailer", "Hot"] for prop in (homeowner, old, distressed)
    }


async def test_a_tag_already_used_keeps_its_spelling(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    headers = await bearer_for(client, user)
    first, second = await scored_property(db), await scored_property(db)
    items = [{"property_id": str(first), "lead_source": "distressed"}]
    await client.post(
        "/api/v1/leads/bulk", json={"items": items, "tags": ["Pool Owners"]}, headers=headers
    )

    items = [{"property_id": str(second), "lead_source": "distressed"}]
    saved = await client.post(
        "/api/v1/leads/bulk", json={"items": items, "tags": ["POOL owners"]}, headers=headers
    )

    assert saved.json()["tags"] == ["Pool Owners"]
    assert (await _leads(db, user))[second]["tags"] == ["Pool Owners"]


async def test_refusals_name_the_field_and_save_nothing(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    contractor = await make_subscriber(db, Plan.CONTRACTOR)
    headers = await bearer_for(client, user)
    contractor_headers = await bearer_for(client, contractor)
    known = await scored_property(db, distressed=10)
    await db.commit()  # (inside the test's transaction) a refused request rolls back to here
    missing = uuid.uuid4()
    item = {"property_id": str(known), "lead_source": "distressed"}

    unknown = await client.post(
        "/api/v1/leads/bulk",
        json={"items": [item, {"property_id": str(missing), "lead_source": "fsbo"}]},
        headers=headers,
    )
    empty = await client.post("/api/v1/leads/bulk", json={"items": []}, headers=headers)
    too_many = await client.post(
        "/api/v1/leads/bulk", json={"items": [item] * 201}, headers=headers
    )
    bad_tag = await client.post(
        "/api/v1/leads/bulk", json={"items": [item], "tags": ["ok", "x" * 41]}, headers=headers
    )
    plan = await client.post(
        "/api/v1/leads/bulk", json={"items": [item]}, headers=contractor_headers
    )

    assert unknown.status_code == 422
    assert unknown.json()["field"] == "items.1.property_id"
    assert str(missing) in unknown.json()["detail"]
    assert (empty.status_code, empty.json()["field"]) == (422, "items")
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "items"
    assert (bad_tag.status_code, bad_tag.json()["field"]) == (422, "tags.1")
    assert (plan.status_code, plan.json()["field"]) == (403, "lead_source")
    assert await _leads(db, user) == {} and await _leads(db, contractor) == {}


async def test_at_most_two_hundred_distinct_properties(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    picks = [(uuid.uuid4(), Intent.DISTRESSED) for _ in range(201)]

    with pytest.raises(Invalid, match="At most 200 leads") as refused:
        await save_leads(db, user, picks, [], NOW)

    assert refused.value.field == "items"


async def test_a_lead_that_would_pass_twenty_tags_refuses_the_batch(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    full = await scored_property(db, full_address="20 FULL ST, MIAMI, FL 33139")
    fresh = await scored_property(db)
    await save_leads(db, user, [(full, Intent.DISTRESSED)], [f"t{n}" for n in range(20)], NOW)

    with pytest.raises(Invalid, match=r"The lead at 20 FULL ST.* at most 20 tags"):
        await save_leads(
            db, user, [(fresh, Intent.DISTRESSED), (full, Intent.DISTRESSED)], ["One more"], NOW
        )
    again = await save_leads(db, user, [(full, Intent.DISTRESSED)], ["T1"], NOW)  # has it

    assert set(await _leads(db, user)) == {full}  # the fresh lead was not kept either
    assert again.already_saved == 1


async def test_the_number_of_statements_does_not_grow_with_the_batch(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    few = [await scored_property(db, distressed=5) for _ in range(2)]
    many = [await scored_property(db, distressed=5) for _ in range(40)]

    with statements(db) as for_few:
        await save_leads(db, user, [(p, Intent.DISTRESSED) for p in few], ["Hot"], NOW)
    with statements(db) as for_many:
        await save_leads(db, user, [(p, Intent.DISTRESSED) for p in many], ["Hot"], NOW)

    assert len(for_many) == len(for_few) <= 10, for_many
    assert len(await _leads(db, user)) == 42


async def test_plan_refusal_comes_from_the_intents_picked(db: AsyncSession) -> None:
    contractor = await make_subscriber(db, Plan.CONTRACTOR)
    prop = await scored_property(db, new_homeowner=50)
    other = await scored_property(db, distressed=50)

    saved = await save_leads(db, contractor, [(prop, Intent.NEW_HOMEOWNER)], [], NOW)
    with pytest.raises(PlanRequired):
        await save_leads(
            db, contractor, [(prop, Intent.NEW_HOMEOWNER), (other, Intent.FSBO)], [], NOW
        )

    assert (saved.created, saved.already_saved) == (1, 0)


async def test_page_form_saves_the_selection_tags_it_and_returns_to_the_search(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    props = [await scored_property(db, distressed=30) for _ in range(3)]
    await save_leads(db, user, [(props[0], Intent.DISTRESSED)], [], NOW)
    back = "/search?intent=distressed&zip=33139"

    saved = await client.post(
        "/leads/bulk",
        data={
            "selected": [f"{p}:distressed" for p in props],
            "tag": "  May mailer ",
            "back": back,
            "csrf_token": csrf_of(client),
        },
    )
    elsewhere = await client.post(
        "/leads/bulk",
        data={
            "selected": [f"{props[1]}:fsbo"],
            "back": "https://evil.example/search?x",
            "csrf_token": csrf_of(client),
        },
    )
    board = await client.get(elsewhere.headers["location"])

    assert (saved.status_code, saved.headers["location"]) == (303, back)
    assert {tuple(lead["tags"]) for lead in (await _leads(db, user)).values()} == {("May mailer",)}
    assert (elsewhere.status_code, elsewhere.headers["location"]) == (303, "/leads")
    assert "1 lead saved (1 was already in your leads)." in board.text


async def test_page_flash_names_the_counts_and_the_tag(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    props = [await scored_property(db, distressed=30) for _ in range(12)]
    await save_leads(db, user, [(p, Intent.DISTRESSED) for p in props[:3]], [], NOW)

    saved = await client.post(
        "/leads/bulk",
        data={
            "selected": [f"{p}:distressed" for p in props],
            "tag": "May mailer",
            "csrf_token": csrf_of(client),
        },
    )
    board = await client.get(saved.headers["location"])

    assert "12 leads saved (3 were already in your leads), tagged “May mailer”." in board.text


@pytest.mark.parametrize(
    ("selected", "message"),
    [
        ([], "Choose at least one property to save."),
        (["not-a-uuid:distressed"], "is not a property to save"),
        ([f"{uuid.uuid4()}:distressed"], "No such property"),
    ],
)
async def test_page_form_refusals_flash_and_change_nothing(
    db: AsyncSession, client: httpx.AsyncClient, selected: list[str], message: str
) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    prop = await scored_property(db, distressed=30)

    refused = await client.post(
        "/leads/bulk",
        data={
            "selected": [f"{prop}:distressed", *selected] if selected else [],
            "tag": "Hot",
            "csrf_token": csrf_of(client),
        },
    )
    board = await client.get(refused.headers["location"])

    assert refused.status_code == 303 and message in board.text
    assert "flash-error" in board.text
    assert await _leads(db, user) == {}


async def test_page_form_needs_the_csrf_token(db: AsyncSession, client: httpx.AsyncClient) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    prop = await scored_property(db, distressed=30)

    refused = await client.post("/leads/bulk", data={"selected": [f"{prop}:distressed"]})

    assert refused.status_code == 403 and CSRF_REFUSAL in refused.text
    assert await _leads(db, user) == {}
