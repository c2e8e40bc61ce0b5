"""Saved-searches API: criteria validated by the search schema and rules, alerts baseline,
tenant isolation."""

from __future__ import annotations

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from tests.factories import bearer_for, make_subscriber, scored_property

URL = "/api/v1/saved-searches"


async def test_save_list_rename_and_delete(db: AsyncSession, client: httpx.AsyncClient) -> None:
    user = await make_subscriber(db)
    headers = await bearer_for(client, user)
    body = {
        "search_name": " Beach distress ",
        "search_criteria": {"intent": "distressed", "zip": "33139", "min_score": 20},
        "alert_frequency": "daily",
    }

    created = await client.post(URL, json=body, headers=headers)
    search_id = created.json()["search_id"]
    listed = await client.get(URL, headers=headers)
    renamed = await client.patch(
        f"{URL}/{search_id}", json={"search_name": "Miami Beach"}, headers=headers
    )
    deleted = await client.delete(f"{URL}/{search_id}", headers=headers)

    assert created.status_code == 201, created.text
    saved = created.json()
    assert saved["search_name"] == "Beach distress"
    assert saved["search_criteria"] == {"intent": "distressed", "zip": ["33139"], "min_score": 20}
    assert (saved["alert_frequency"], saved["last_run_at"]) == ("daily", None)
    assert [item["search_id"] for item in listed.json()["items"]] == [search_id]
    assert renamed.json()["search_name"] == "Miami Beach"
    assert deleted.status_code == 204
    assert (await client.get(f"{URL}/{search_id}", headers=headers)).status_code == 404


async def test_list_pages_newest_first_with_a_cursor(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    headers = await bearer_for(client, user)
    for name in ("first", "second", "third"):
        body = {"search_name": name, "search_criteria": {}}
        assert (await client.post(URL, json=body, headers=headers)).status_code == 201

    page = (await client.get(f"{URL}?limit=2", headers=headers)).json()
    rest = await client.get(f"{URL}?limit=2&cursor={page['next_cursor']}", headers=headers)
    forged = await client.get(f"{URL}?cursor=not-a-cursor", headers=headers)

    names = [item["search_name"] for item in page["items"] + rest.json()["items"]]
    assert names == ["third", "second", "first"] and rest.json()["next_cursor"] is None
    assert forged.status_code == 422 and forged.json()["field"] == "cursor"


async def test_criteria_errors_name_the_field(db: AsyncSession, client: httpx.AsyncClient) -> None:
    user = await make_subscriber(db)
    headers = await bearer_for(client, user)

    def body(criteria: dict[str, object], **extra: object) -> dict[str, object]:
        return {"search_name": "x", "search_criteria": criteria, **extra}

    bad_zip = await client.post(URL, json=body({"zip": "abc"}), headers=headers)
    unknown_field = await client.post(URL, json=body({"colour": "red"}), headers=headers)
    bad_indicator = await client.post(URL, json=body({"indicator": ["no_such"]}), headers=headers)
    bad_frequency = await client.post(URL, json=body({}, alert_frequency="hourly"), headers=headers)
    no_name = await client.post(URL, json={"search_criteria": {}}, headers=headers)

    assert bad_zip.status_code == 422 and "search_criteria.zip" in bad_zip.text
    assert unknown_field.status_code == 422 and "search_criteria.colour" in unknown_field.text
    assert bad_indicator.status_code == 422 and bad_indicator.json()["field"] == "indicator"
    assert bad_frequency.status_code == 422 and "alert_frequency" in bad_frequency.text
    assert no_name.status_code == 422 and "search_name" in no_name.text


async def test_plan_gating_is_the_searchs(db: AsyncSession, client: httpx.AsyncClient) -> None:
    contractor = await make_subscriber(db, Plan.CONTRACTOR)
    headers = await bearer_for(client, contractor)
    refused = await client.post(
        URL,
        json={"search_name": "x", "search_criteria": {"intent": "distressed"}},
        headers=headers,
    )
    allowed = await client.post(
        URL, json={"search_name": "y", "search_criteria": {"zip": ["33139"]}}, headers=headers
    )
    assert refused.status_code == 403 and refused.json()["field"] == "intent"
    assert allowed.status_code == 201


async def test_switching_alerts_on_takes_a_baseline_of_current_matches(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    headers = await bearer_for(client, user)
    existing = await scored_property(db, distressed=30, zip_code="33010")
    criteria = {"intent": "distressed", "zip": ["33010"]}
    quiet = (
        await client.post(URL, json={"search_name": "q", "search_criteria": criteria},
                          headers=headers)
    ).json()  # fmt: skip

    def seen(search_id: str) -> object:
        return db.scalar(
            text("SELECT array_agg(property_id) FROM saved_search_matches WHERE search_id = :s"),
            {"s": search_id},
        )

    assert await seen(quiet["search_id"]) is None
    await client.patch(
        f"{URL}/{quiet['search_id']}", json={"alert_frequency": "weekly"}, headers=headers
    )
    assert await seen(quiet["search_id"]) == [existing]


async def test_second_subscriber_gets_404_for_first_subscribers_saved_search(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    alice = await make_subscriber(db)
    bob = await make_subscriber(db)
    alice_headers = await bearer_for(client, alice)
    bob_headers = await bearer_for(client, bob)
    search = (
        await client.post(URL, json={"search_name": "mine", "search_criteria": {}},
                          headers=alice_headers)
    ).json()  # fmt: skip
    url = f"{URL}/{search['search_id']}"

    answers = [
        await client.get(url, headers=bob_headers),
        await client.patch(url, json={"search_name": "stolen"}, headers=bob_headers),
        await client.delete(url, headers=bob_headers),
    ]
    listed = (await client.get(URL, headers=bob_headers)).json()

    assert [answer.status_code for answer in answers] == [404, 404, 404]
    assert listed == {"items": [], "next_cursor": None}
    assert (await client.get(url, headers=alice_headers)).json()["search_name"] == "mine"
