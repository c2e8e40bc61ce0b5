"""Lists that work: a 0-100 lead score and labelled indicators on every result, only the scores a
plan pays for, the owner's mailing address and absentee flag, an exact count up to a cap (its
own endpoint), one property by id, and the direct-mail CSV layout."""

from __future__ import annotations

import csv
import io
import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from propintel.kit.pagination import Page
from propintel.search import service
from propintel.search.criteria import SearchCriteria
from propintel.search.schemas import PropertyDetailOut, PropertyItem
from tests.factories import api_as, make_subscriber
from tests.scoring.helpers import add_sale, days_ago
from tests.search.helpers import distressed, make_lead, new_owner

SEARCH = "/api/v1/properties"
MAILING = {
    "mailing_address": "1 PARK AVE, NEW YORK NY 10016",
    "mailing_street": "1 PARK AVE",
    "mailing_city": "NEW YORK",
    "mailing_state": "NY",
    "mailing_zip": "10016",
    "absentee_owner": True,
    "out_of_state_owner": True,
}


async def test_lead_score_is_the_points_capped_at_100_with_labelled_indicators(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    breakdown = {"days_0_30": 100, "has_pool": 15, "old_hvac": 20, "large_lawn": 10}
    await new_owner(db, 145, zip_code="33301", breakdown=breakdown)
    await new_owner(db, 60, zip_code="33301", breakdown={"days_61_90": 50, "large_lawn": 10})
    headers = await api_as(client, db, Plan.CONTRACTOR)

    body = (await client.get(SEARCH, params={"zip": "33301"}, headers=headers)).json()

    assert [item["lead_score"] for item in body["items"]] == [100, 60]
    assert [item["new_homeowner_score"] for item in body["items"]] == [145, 60]
    assert body["items"][0]["indicators"] == [
        {"name": "days_0_30", "label": "Bought 0–30 days ago", "points": 100},
        {"name": "old_hvac", "label": "Older HVAC (built before 2000)", "points": 20},
        {"name": "has_pool", "label": "Pool", "points": 15},
        {"name": "large_lawn", "label": "Large lawn (lot over 5,000 sqft)", "points": 10},
    ]


async def test_a_plan_never_sees_or_is_ordered_by_a_score_it_does_not_include(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    both = await make_lead(
        db,
        zip_code="33302",
        distressed=30,
        new_homeowner=100,
        breakdown={"tax_lien": 30, "days_0_30": 100},
    )
    stronger = await distressed(db, 50, zip_code="33302")
    investor = await api_as(client, db, Plan.INVESTOR)

    body = (await client.get(SEARCH, params={"zip": "33302"}, headers=investor)).json()

    assert [item["id"] for item in body["items"]] == [str(stronger), str(both)]  # by distressed
    item = body["items"][1]
    assert (item["lead_score"], item["distressed_score"]) == (30, 30)
    assert (item["new_homeowner_score"], item["is_new_homeowner"]) == (None, None)
    assert item["intent_breakdown"] == {"tax_lien": 30}
    assert [indicator["name"] for indicator in item["indicators"]] == ["tax_lien"]


async def test_result_carries_the_owner_mailing_address_and_absentee_flag(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await distressed(db, 10, zip_code="33303", owner_first_name="ANA", **MAILING)
    headers = await api_as(client, db, Plan.INVESTOR)

    response = await client.get(SEARCH, params={"zip": "33303"}, headers=headers)

    [item] = Page[PropertyItem].model_validate(response.json()).items
    assert (item.owner.absentee, item.owner.out_of_state, item.owner.first_name) == (
        True,
        True,
        "ANA",
    )
    mailing = item.owner.mailing_address
    assert (mailing.street, mailing.city, mailing.state, mailing.zip) == (
        "1 PARK AVE",
        "NEW YORK",
        "NY",
        "10016",
    )
    assert mailing.full == MAILING["mailing_address"]


async def test_the_count_endpoint_counts_what_the_plan_may_see(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    for score in range(1, 6):
        await distressed(db, score, zip_code="33304")
    await new_owner(db, 100, zip_code="33304")
    full = await api_as(client, db, Plan.FULL)
    contractor = await api_as(client, db, Plan.CONTRACTOR)
    nobody = await api_as(client, db, Plan.NONE)
    polygon = {"type": "Polygon", "coordinates": [[[-80.2, 25.7], [-80.0, 25.7], [-80.0, 25.9],
                                                   [-80.2, 25.9], [-80.2, 25.7]]]}  # fmt: skip

    counted = await client.get(f"{SEARCH}/count", params={"zip": "33304"}, headers=full)
    distressed_only = await client.get(
        f"{SEARCH}/count", params={"zip": "33304", "intent": "distressed"}, headers=full
    )
    drawn = await client.post(
        f"{SEARCH}/count", json={"zip": ["33304"], "polygon": polygon}, headers=full
    )
    limited = await client.get(f"{SEARCH}/count", params={"zip": "33304"}, headers=contractor)
    refused = await client.get(f"{SEARCH}/count", params={"zip": "33304"}, headers=nobody)

    assert counted.json() == {"total": 6, "total_capped": False}
    assert distressed_only.json()["total"] == 5
    assert drawn.json()["total"] == 6  # every helper property is in Miami Beach
    assert limited.json()["total"] == 1  # the new homeowner only
    assert (refused.status_code, refused.json()["detail"]) == (403, service.UPGRADE_MESSAGE)


async def test_beyond_the_cap_the_count_reads_as_the_cap_and_more(db: AsyncSession) -> None:
    for score in range(1, 5):
        await distressed(db, score, zip_code="33305")
    user = await make_subscriber(db, Plan.INVESTOR)
    criteria = SearchCriteria(zip=["33305"])

    capped = await service.count_matches(db, user, criteria, today=days_ago(0), cap=3)
    exact = await service.count_matches(db, user, criteria, today=days_ago(0), cap=4)

    assert (capped.total, capped.capped) == (3, True)
    assert (exact.total, exact.capped) == (4, False)


async def test_one_property_by_id_with_sales_and_plan_gating(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    prop = await distressed(db, 40, zip_code="33306", folio_number="3059040370010", **MAILING)
    await add_sale(db, prop, days_ago(400), 250_000)
    investor = await api_as(client, db, Plan.INVESTOR)
    contractor = await api_as(client, db, Plan.CONTRACTOR)

    response = await client.get(f"{SEARCH}/{prop}", headers=investor)
    missing = await client.get(f"{SEARCH}/{uuid.uuid4()}", headers=investor)
    outside = await client.get(f"{SEARCH}/{prop}", headers=contractor)

    assert response.status_code == 200, response.text
    detail = PropertyDetailOut.model_validate(response.json())
    assert (detail.lead_score, detail.owner.absentee) == (40, True)
    assert [(sale.price, sale.arms_length) for sale in detail.sales] == [(250_000, True)]
    assert detail.property_appraiser_url is not None and "3059040370010" in (
        detail.property_appraiser_url
    )
    assert "phone_number" not in response.json() and "email" not in response.json()
    assert missing.status_code == 404
    assert outside.status_code == 403
    assert "not among the leads of your contractor plan" in outside.json()["detail"]


async def test_direct_mail_export_has_the_owner_and_mailing_address_in_columns(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await distressed(
        db,
        150,
        zip_code="33307",
        city="MIAMI",
        owner_name="DIAZ ANA",
        owner_first_name="ANA",
        **MAILING,
    )
    headers = await api_as(client, db, Plan.INVESTOR)

    response = await client.get(
        f"{SEARCH}/export.csv", params={"zip": "33307", "layout": "mail"}, headers=headers
    )

    assert response.status_code == 200, response.text
    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert row == {
        "owner_name": "DIAZ ANA",
        "owner_first_name": "ANA",
        "owner_last_name": "",
        "mailing_street": "1 PARK AVE",
        "mailing_city": "NEW YORK",
        "mailing_state": "NY",
        "mailing_zip": "10016",
        "property_street": row["property_street"],
        "property_city": "MIAMI",
        "property_state": "FL",
        "property_zip": "33307",
        "absentee_owner": "True",
        "lead_score": "100",
        "folio_number": row["folio_number"],
    }
    assert row["property_street"] and row["folio_number"]


async def test_full_export_has_the_lead_score_and_only_the_plan_s_scores(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await make_lead(
        db,
        zip_code="33308",
        distressed=30,
        new_homeowner=100,
        breakdown={"tax_lien": 30, "days_0_30": 100},
    )
    contractor = await api_as(client, db, Plan.CONTRACTOR)

    response = await client.get(f"{SEARCH}/export.csv", params={"zip": "33308"}, headers=contractor)

    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert (row["lead_score"], row["new_homeowner_score"], row["distressed_score"]) == (
        "100",
        "100",
        "",
    )
    assert row["indicators"] == "Bought 0–30 days ago (+100)"
    assert row["intent_breakdown"] == "days_0_30:100"
