"""Search API: every filter, every order, the keyset cursor, plan gating, 422s naming the field."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import ROLE_REFUSAL
from propintel.auth.models import Plan, UserType
from propintel.kit.clock import today_new_york
from propintel.kit.pagination import Page, fingerprint
from propintel.search.criteria import LISTINGS, SearchCriteria, SortKey
from propintel.search.schemas import PropertyItem
from propintel.search.service import UPGRADE_MESSAGE
from tests.factories import api_as
from tests.search.helpers import MIAMI_BEACH, distressed, ids, make_lead
from tests.search.helpers import new_owner as new_owner_lead

URL = "/api/v1/properties"
# Two points ~2.2 km and ~11 km from MIAMI_BEACH.
NEAR = (25.8100, -80.1300)
FAR = (25.8900, -80.1300)
SQUARE_AROUND_BEACH = {
    "type": "Polygon",
    "coordinates": [
        [[-80.14, 25.78], [-80.12, 25.78], [-80.12, 25.80], [-80.14, 25.80], [-80.14, 25.78]]
    ],
}  # fmt: skip


@pytest.fixture
async def full(client: httpx.AsyncClient, db: AsyncSession) -> dict[str, str]:
    return await api_as(client, db, Plan.FULL)


async def _grid(db: AsyncSession) -> dict[str, str]:
    """Eight leads that differ in one or two facts each; name → id."""
    today = today_new_york()
    made = {
        "beach_pool_owner": await new_owner_lead(
            db, 100, zip_code="33139", city="MIAMI BEACH", pool=True, bedrooms=4, bathrooms=3,
            market_value=900_000, sale_date=today - timedelta(days=10),
            breakdown={"days_0_30": 100, "has_pool": 15},
        ),
        "beach_old_owner": await new_owner_lead(
            db, 50, zip_code="33139", city="MIAMI BEACH", sale_date=today - timedelta(days=80),
            property_type="condominium", market_value=300_000,
        ),
        "lien_near": await distressed(
            db, 45, zip_code="33140", at=NEAR, owner_type="company", out_of_state_owner=True,
            estimated_equity=300_000, market_value=400_000,
            last_sale_date=today.replace(year=today.year - 25),
            breakdown={"tax_lien": 30, "high_equity": 15},
        ),
        "foreclosure_far": await distressed(
            db, 90, zip_code="33141", at=FAR, estimated_equity=50_000, market_value=500_000,
            breakdown={"foreclosure": 50, "pre_foreclosure": 40}, bedrooms=2, bathrooms=1,
        ),
        "fsbo_only": await make_lead(db, zip_code="33140", fsbo=True, market_value=250_000),
        "plain": await make_lead(db, zip_code="33141", market_value=100_000),
    }  # fmt: skip
    return {name: str(property_id) for name, property_id in made.items()}


FILTERS: list[tuple[dict[str, Any], set[str]]] = [
    ({"zip": ["33139", "33141"]},
     {"beach_pool_owner", "beach_old_owner", "foreclosure_far", "plain"}),
    ({"city": "miami beach"}, {"beach_pool_owner", "beach_old_owner"}),
    ({"property_type": "condominium"}, {"beach_old_owner"}),
    ({"intent": "new_homeowner"}, {"beach_pool_owner", "beach_old_owner"}),
    ({"intent": "distressed"}, {"lien_near", "foreclosure_far"}),
    ({"intent": "fsbo"}, {"fsbo_only"}),
    ({"near": f"{MIAMI_BEACH[0]},{MIAMI_BEACH[1]}", "radius_m": 5000},
     {"beach_pool_owner", "beach_old_owner", "lien_near", "fsbo_only", "plain"}),
    ({"near": f"{MIAMI_BEACH[0]},{MIAMI_BEACH[1]}", "radius_m": 1000},
     {"beach_pool_owner", "beach_old_owner", "fsbo_only", "plain"}),
    ({"intent": "distressed", "min_score": 46}, {"foreclosure_far"}),
    ({"min_score": 50}, {"beach_pool_owner", "beach_old_owner", "foreclosure_far"}),
    ({"indicator": ["foreclosure", "pre_foreclosure"]}, {"foreclosure_far"}),
    ({"indicator": ["tax_lien", "foreclosure"]}, set()),
    ({"indicator": "has_pool"}, {"beach_pool_owner"}),
    ({"sold_within_days": 30}, {"beach_pool_owner"}),
    ({"min_years_owned": 20}, {"lien_near"}),
    ({"pool": "true"}, {"beach_pool_owner"}),
    ({"pool": "false", "intent": "new_homeowner"}, {"beach_old_owner"}),
    ({"min_beds": 4}, {"beach_pool_owner"}),
    ({"min_baths": 2.5}, {"beach_pool_owner"}),
    ({"min_value": 400_000, "max_value": 500_000}, {"lien_near", "foreclosure_far"}),
    ({"max_value": 250_000}, {"fsbo_only", "plain"}),
    ({"min_equity_pct": 75}, {"lien_near"}),
    ({"owner_type": "company"}, {"lien_near"}),
    ({"out_of_state": "true", "intent": "distressed"}, {"lien_near"}),
    ({"out_of_state": "false", "intent": "distressed"}, {"foreclosure_far"}),
]  # fmt: skip


@pytest.mark.parametrize(("params", "expected"), FILTERS, ids=[json.dumps(f[0]) for f in FILTERS])
async def test_each_filter_returns_exactly_the_matching_properties(
    client: httpx.AsyncClient,
    db: AsyncSession,
    full: dict[str, str],
    params: dict[str, Any],
    expected: set[str],
) -> None:
    grid = await _grid(db)
    response = await client.get(URL, params=params, headers=full)
    assert set(ids(response)) == {grid[name] for name in expected}


async def test_polygon_search_by_post_finds_only_points_inside(
    client: httpx.AsyncClient, db: AsyncSession, full: dict[str, str]
) -> None:
    grid = await _grid(db)
    body = {"polygon": SQUARE_AROUND_BEACH, "intent": "new_homeowner"}
    response = await client.post(f"{URL}/search", json=body, headers=full)
    assert set(ids(response)) == {grid["beach_pool_owner"], grid["beach_old_owner"]}
    as_text = await client.get(
        URL, params={"polygon": json.dumps(SQUARE_AROUND_BEACH)}, headers=full
    )
    assert grid["lien_near"] not in ids(as_text) and grid["beach_pool_owner"] in ids(as_text)


async def test_item_carries_facts_values_sale_owner_scores_and_no_contact_data(
    client: httpx.AsyncClient, db: AsyncSession, full: dict[str, str]
) -> None:
    lead = await distressed(db, 45, zip_code="33140", bedrooms=3, market_value=400_000)
    await db.execute(
        text(
            "UPDATE properties SET phone_number = '3055550100', email = 'owner@example.com', "
            "bathrooms = 2.5 WHERE property_id = :id"
        ),
        {"id": lead},
    )
    near = f"{MIAMI_BEACH[0]},{MIAMI_BEACH[1]}"
    response = await client.get(URL, params={"zip": "33140", "near": near}, headers=full)
    Page[PropertyItem].model_validate_json(response.text)  # the documented shape…
    [item] = response.json()["items"]
    assert set(item) == set(PropertyItem.model_fields)  # …and nothing more
    assert item["id"] == str(lead)
    assert item["bathrooms"] == 2.5  # a JSON number, not the text of a NUMERIC
    assert item["address"]["zip"] == "33140" and item["folio"]
    assert item["location"] == {
        "lat": pytest.approx(MIAMI_BEACH[0]),
        "lon": pytest.approx(MIAMI_BEACH[1]),
    }
    assert (item["bedrooms"], item["values"]["market"], item["distressed_score"]) == (
        3,
        400_000,
        45,
    )
    assert item["intent_breakdown"] == {"tax_lien": 45}
    assert item["owner"]["name"] == "DOE JANE" and "last_sale" in item
    assert item["distance_m"] == pytest.approx(0, abs=1)
    assert "3055550100" not in response.text and "owner@example.com" not in response.text


async def _page_through(
    client: httpx.AsyncClient, headers: dict[str, str], params: dict[str, Any]
) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    cursor = None
    for _ in range(50):
        response = await client.get(
            URL, params={**params, "cursor": cursor} if cursor else params, headers=headers
        )
        assert response.status_code == 200, response.text
        seen += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")


@pytest.mark.parametrize("sort", ["score", "sale_date", "value", "distance"])
async def test_cursor_pages_have_no_duplicates_or_gaps_in_each_order(
    client: httpx.AsyncClient, db: AsyncSession, full: dict[str, str], sort: str
) -> None:
    today = today_new_york()
    made = set()
    for n in range(23):  # ties on every key: 3 distinct scores, 4 dates, 5 values, 6 places
        made.add(str(await distressed(
            db, 10 * (n % 3 + 1), zip_code="33150", market_value=100_000 * (n % 5),
            sale_date=today - timedelta(days=n % 4), at=(25.80 + 0.001 * (n % 6), -80.20),
        )))  # fmt: skip
    params = {"zip": "33150", "sort": sort, "limit": 5, "near": "25.80,-80.20"}

    rows = await _page_through(client, full, params)

    assert len(rows) == 23 and {row["id"] for row in rows} == made
    keys = {
        "score": lambda r: (-r["distressed_score"], r["id"]),
        "value": lambda r: (-r["values"]["market"], r["id"]),
        "sale_date": lambda r: (r["new_homeowner_sale_date"], r["id"]),
        "distance": lambda r: (r["distance_m"], r["id"]),
    }
    if sort == "sale_date":
        assert rows == sorted(rows, key=keys[sort], reverse=True)
    elif sort == "distance":
        assert rows == sorted(rows, key=keys[sort])
    else:
        assert [r["id"] for r in rows] == [
            r["id"] for r in sorted(rows, key=lambda r: (keys[sort](r)[0], _desc(r["id"])))
        ]


def _desc(value: str) -> tuple[int, ...]:
    """Orders uuids descending inside an ascending sort key."""
    return tuple(-ord(char) for char in value)


async def test_rows_inserted_between_pages_cause_no_duplicates(
    client: httpx.AsyncClient, db: AsyncSession, full: dict[str, str]
) -> None:
    for _ in range(6):
        await distressed(db, 20, zip_code="33160")
    first = (await client.get(URL, params={"zip": "33160", "limit": 3}, headers=full)).json()
    await distressed(db, 99, zip_code="33160")  # sorts before the cursor: not on later pages
    await distressed(db, 1, zip_code="33160")  # sorts after it: appears on a later page
    rest = await _page_through(
        client, full, {"zip": "33160", "limit": 3, "cursor": first["next_cursor"]}
    )
    seen = [item["id"] for item in first["items"]] + [item["id"] for item in rest]
    assert len(seen) == len(set(seen)) == 7
    assert rest[-1]["distressed_score"] == 1


async def test_a_cursor_only_continues_its_own_search(
    client: httpx.AsyncClient, db: AsyncSession, full: dict[str, str]
) -> None:
    for _ in range(3):
        await distressed(db, 20, zip_code="33160")
    cursor = (await client.get(URL, params={"zip": "33160", "limit": 1}, headers=full)).json()[
        "next_cursor"
    ]
    other = await client.get(
        URL, params={"zip": "33161", "limit": 1, "cursor": cursor}, headers=full
    )
    assert other.status_code == 422 and other.json()["field"] == "cursor"
    other_order = await client.get(
        URL, params={"zip": "33160", "limit": 1, "sort": "value", "cursor": cursor}, headers=full
    )
    assert other_order.status_code == 422 and other_order.json()["field"] == "cursor"
    garbage = await client.get(URL, params={"cursor": "not-a-cursor"}, headers=full)
    assert garbage.status_code == 422 and garbage.json()["field"] == "cursor"
    bound = fingerprint(SearchCriteria(zip=["33160"]))
    forged = LISTINGS[SortKey.SCORE].encode(["twenty", "not-an-id"], bound_to=bound)
    wrong_types = await client.get(
        URL, params={"zip": "33160", "limit": 1, "cursor": forged}, headers=full
    )
    assert wrong_types.status_code == 422 and wrong_types.json()["field"] == "cursor"


async def test_limit_defaults_to_50(
    client: httpx.AsyncClient, db: AsyncSession, full: dict[str, str]
) -> None:
    for _ in range(51):
        await make_lead(db, zip_code="33170")
    body = (await client.get(URL, params={"zip": "33170"}, headers=full)).json()
    assert len(body["items"]) == 50 and body["next_cursor"] is not None


# ---- plan gating ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plan", "visible"),
    [
        (Plan.CONTRACTOR, {"beach_pool_owner", "beach_old_owner"}),
        (Plan.INVESTOR, {"lien_near", "foreclosure_far", "fsbo_only"}),
        (Plan.FULL, {"beach_pool_owner", "beach_old_owner", "lien_near", "foreclosure_far",
                     "fsbo_only", "plain"}),
    ],
)  # fmt: skip
async def test_each_plan_sees_only_its_leads(
    client: httpx.AsyncClient, db: AsyncSession, plan: Plan, visible: set[str]
) -> None:
    grid = await _grid(db)
    headers = await api_as(client, db, plan)
    response = await client.get(URL, params={"zip": ["33139", "33140", "33141"]}, headers=headers)
    assert set(ids(response)) == {grid[name] for name in visible}


@pytest.mark.parametrize(
    ("plan", "intent", "plan_named"),
    [
        (Plan.CONTRACTOR, "distressed", "investor or full"),
        (Plan.CONTRACTOR, "fsbo", "investor or full"),
        (Plan.INVESTOR, "new_homeowner", "contractor or full"),
    ],
)
async def test_an_intent_outside_the_plan_is_refused_with_the_plan_that_has_it(
    client: httpx.AsyncClient, db: AsyncSession, plan: Plan, intent: str, plan_named: str
) -> None:
    headers = await api_as(client, db, plan)
    response = await client.get(URL, params={"intent": intent}, headers=headers)
    assert response.status_code == 403
    assert response.json()["field"] == "intent" and plan_named in response.json()["detail"]
    post = await client.post(f"{URL}/search", json={"intent": intent}, headers=headers)
    assert post.status_code == 403 and plan_named in post.json()["detail"]


async def test_no_active_plan_gets_an_upgrade_message(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await api_as(client, db, Plan.NONE)
    response = await client.get(URL, headers=headers)
    assert response.status_code == 403 and "needs an active plan" in response.json()["detail"]


async def test_a_cancelled_plan_cannot_search(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await api_as(client, db, Plan.FULL)
    await db.execute(
        text("UPDATE users SET subscription_status = 'cancelled' WHERE user_type = 'subscriber'")
    )
    refused = await client.get(URL, headers=headers)
    assert (refused.status_code, refused.json()["detail"]) == (403, UPGRADE_MESSAGE)


async def test_homeowners_cannot_search_and_anonymous_callers_must_log_in(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    homeowner = await api_as(client, db, UserType.HOMEOWNER)
    refused = await client.get(URL, headers=homeowner)
    assert (refused.status_code, refused.json()["detail"]) == (403, ROLE_REFUSAL)
    assert (await client.get(URL)).status_code == 401


async def test_admins_see_every_lead(client: httpx.AsyncClient, db: AsyncSession) -> None:
    grid = await _grid(db)
    admin = await api_as(client, db, UserType.ADMIN)
    response = await client.get(URL, params={"zip": ["33139", "33140", "33141"]}, headers=admin)
    assert set(ids(response)) == set(grid.values())


async def test_a_plan_without_lead_features_cannot_search(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await db.execute(
        text(
            "UPDATE subscription_plans SET features = '{\"ai_chat\": true}' "
            "WHERE plan_name = 'contractor'"
        )
    )
    headers = await api_as(client, db, Plan.CONTRACTOR)
    refused = await client.get(URL, headers=headers)
    assert (refused.status_code, refused.json()["detail"]) == (403, UPGRADE_MESSAGE)


# ---- invalid criteria ----------------------------------------------------------------------------

INVALID: list[tuple[dict[str, Any], str]] = [
    ({"indicator": "not_an_indicator"}, "indicator"),
    ({"near": "25.79,-80.13", "radius_m": 50_001}, "radius_m"),
    ({"radius_m": 100}, "radius_m"),
    ({"near": "north"}, "near"),
    ({"limit": 0}, "limit"),
    ({"limit": 201}, "limit"),
    ({"sort": "distance"}, "sort"),
    ({"sort": "price"}, "sort"),
    ({"intent": "tired_landlord"}, "intent"),
    ({"zip": "3313"}, "zip"),
    ({"property_type": "castle"}, "property_type"),
    ({"owner_type": "alien"}, "owner_type"),
    ({"min_value": 10, "max_value": 5}, "max_value"),
    ({"polygon": "{not json"}, "polygon"),
    ({"unknown_filter": 1}, "unknown_filter"),
]


@pytest.mark.parametrize(
    ("params", "field"), INVALID, ids=[f[1] + json.dumps(f[0]) for f in INVALID]
)
async def test_invalid_criteria_get_422_naming_the_field(
    client: httpx.AsyncClient,
    db: AsyncSession,
    full: dict[str, str],
    params: dict[str, Any],
    field: str,
) -> None:
    response = await client.get(URL, params=params, headers=full)
    assert response.status_code == 422, response.text
    assert _fields(response.json()) == {field}


def _fields(body: dict[str, Any]) -> set[str]:
    if "errors" in body:
        return {error["field"].split(".")[0] for error in body["errors"]}
    return {body["field"]}


BAD_POLYGONS = [
    {"type": "Polygon", "coordinates": [[[-80.1, 25.7], [-80.0, 25.7], [-80.0, 25.8]]]},  # open
    {"type": "Point", "coordinates": [-80.1, 25.7]},
    {"type": "Polygon",  # a bow tie
     "coordinates": [[[-80.1, 25.7], [-80.0, 25.8], [-80.0, 25.7], [-80.1, 25.8], [-80.1, 25.7]]]},
    {"type": "Polygon",
     "coordinates": [[[-200, 25.7], [-80.0, 25.7], [-80.0, 25.8], [-200, 25.7]]]},
]  # fmt: skip


@pytest.mark.parametrize(
    "polygon", BAD_POLYGONS, ids=["open", "point", "self-intersecting", "out-of-range"]
)
async def test_a_bad_polygon_gets_422_naming_polygon(
    client: httpx.AsyncClient, db: AsyncSession, full: dict[str, str], polygon: dict[str, Any]
) -> None:
    response = await client.post(f"{URL}/search", json={"polygon": polygon}, headers=full)
    assert response.status_code == 422, response.text
    assert _fields(response.json()) == {"polygon"}
