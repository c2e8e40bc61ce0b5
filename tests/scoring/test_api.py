"""Scoring API: explanations for subscribers and admins; weights, indicators and refreshes for
admins only (audited)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import ROLE_REFUSAL
from propintel.auth.models import Plan, UserType
from tests.factories import api_as, make_property
from tests.scoring.helpers import add_listing, add_sale, add_signal, days_ago, refresh, scores


async def audit_rows(db: AsyncSession) -> list[tuple[str, str, dict[str, object]]]:
    rows = await db.execute(
        text("SELECT action, target_entity, changes FROM admin_audit_logs ORDER BY timestamp")
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_explanation_lists_indicators_weights_evidence_and_first_detection(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    prop = await make_property(db, out_of_state_owner=True, mailing_state="NY")
    reference = await add_signal(
        db, prop, "tax_lien", recorded=days_ago(200), source="tax_collector",
        detail={"face_amount": "1234.56"},
    )  # fmt: skip
    await add_sale(db, prop, days_ago(12), 300_000)
    await refresh(db)
    auth = await api_as(client, db, Plan.FULL)

    response = await client.get(f"/api/v1/properties/{prop}/score", headers=auth)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["distressed_score"], body["new_homeowner_score"]) == (40, 100)
    assert body["flags"]["has_tax_lien"] is True
    by_name = {item["indicator_name"]: item for item in body["indicators"]}
    assert list(by_name) == ["tax_lien", "out_of_state_owner", "days_0_30"]
    tax = by_name["tax_lien"]
    assert (tax["weight"], tax["scored_weight"], tax["still_detected"]) == (30, 30, True)
    assert tax["detected_at"] is not None
    assert tax["label"] == "Tax lien" and tax["points"] == 30
    assert tax["evidence"] == [
        {
            "source": "tax_collector",
            "source_label": "Tax certificate (Tax Collector)",
            "reference": reference,
            "date": str(days_ago(200)),
            "note": None,
            "fields": [{"label": "Face amount", "value": "$1,234.56"}],
            "url": None,
        }
    ]
    [state] = by_name["out_of_state_owner"]["evidence"]
    assert state["reference"] == "owner's mailing state: NY"
    assert state["url"].startswith("https://www.miamidade.gov/Apps/PA/propertysearch/")
    [sale] = by_name["days_0_30"]["evidence"]
    assert (sale["source"], sale["date"]) == ("sdf", str(days_ago(12)))
    assert sale["reference"].startswith("Official Records book ")
    assert (body["distressed_lead_score"], body["new_homeowner_lead_score"]) == (40, 100)
    assert (
        sum(check["points"] for check in body["quality_checks"] if check["passed"])
        == (body["data_quality_score"])
    )
    assert "estimate" in body["estimate_note"]


async def test_explanation_shows_what_the_next_refresh_will_change(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    prop = await make_property(db)
    reference = await add_signal(db, prop, "code_violation")
    await refresh(db)
    await db.execute(
        text("UPDATE property_signals SET status = 'closed' WHERE reference = :ref"),
        {"ref": reference},
    )
    url = await add_listing(db, prop, days_ago(120))
    await db.execute(
        text("UPDATE intent_indicators SET weight = 99 WHERE indicator_name = 'code_violation'")
    )
    auth = await api_as(client, db, UserType.ADMIN)

    body = (await client.get(f"/api/v1/properties/{prop}/score", headers=auth)).json()

    by_name = {item["indicator_name"]: item for item in body["indicators"]}
    code = by_name["code_violation"]
    assert (code["still_detected"], code["evidence"]) == (False, [])
    assert (code["weight"], code["scored_weight"]) == (99, 15)
    listing = by_name["old_listing"]
    assert (listing["detected_at"], listing["still_detected"]) == (None, True)
    assert [piece["reference"] for piece in listing["evidence"]] == [url]


async def test_explanation_of_an_unknown_property_is_404(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    auth = await api_as(client, db, Plan.FULL)
    response = await client.get(f"/api/v1/properties/{uuid.uuid4()}/score", headers=auth)
    assert response.status_code == 404


async def test_explanation_shows_only_the_scores_the_plan_includes(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    prop = await make_property(db, out_of_state_owner=True)
    await add_signal(db, prop, "foreclosure")
    await add_sale(db, prop, days_ago(12), 300_000)
    await refresh(db)
    contractor = await api_as(client, db, Plan.CONTRACTOR)
    nobody = await api_as(client, db, Plan.NONE)

    body = (await client.get(f"/api/v1/properties/{prop}/score", headers=contractor)).json()
    refused = await client.get(f"/api/v1/properties/{prop}/score", headers=nobody)

    assert [item["indicator_name"] for item in body["indicators"]] == ["days_0_30"]
    assert (body["distressed_score"], body["new_homeowner_score"]) == (None, 100)
    assert body["flags"] == {} and body["intent_breakdown"] == {"days_0_30": 100}
    assert body["included"] == ["new_homeowner"]
    assert refused.status_code == 403 and "plan" in refused.json()["detail"]


async def test_explanation_is_for_subscribers_and_admins_only(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    prop = await make_property(db)
    homeowner = await api_as(client, db, UserType.HOMEOWNER)
    refused = await client.get(f"/api/v1/properties/{prop}/score", headers=homeowner)
    assert (refused.status_code, refused.json()["detail"]) == (403, ROLE_REFUSAL)
    assert (await client.get(f"/api/v1/properties/{prop}/score")).status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/admin/indicators", None),
        ("PATCH", "/api/v1/admin/indicators", {"weights": {"tax_lien": 1}}),
        ("POST", "/api/v1/admin/indicators", {"indicator_name": "heirship", "weight": 5}),
        ("POST", "/api/v1/admin/scores/refresh", None),
    ],
)
async def test_admin_endpoints_refuse_subscribers(
    client: httpx.AsyncClient, db: AsyncSession, method: str, path: str, body: object
) -> None:
    auth = await api_as(client, db, Plan.FULL)
    response = await client.request(method, path, json=body, headers=auth)
    assert (response.status_code, response.json()["detail"]) == (403, ROLE_REFUSAL)
    assert await audit_rows(db) == []
    weight = await db.scalar(
        text("SELECT weight FROM intent_indicators WHERE indicator_name = 'tax_lien'")
    )
    assert weight == 30


async def test_admin_lists_indicators_with_their_rules(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    prop = await make_property(db, out_of_state_owner=True)
    await refresh(db)
    auth = await api_as(client, db, UserType.ADMIN)

    body = (await client.get("/api/v1/admin/indicators", headers=auth)).json()

    by_name = {item["indicator_name"]: item for item in body}
    assert len(by_name) == 16
    assert by_name["out_of_state_owner"]["detected_properties"] == 1
    assert by_name["large_lawn"]["rule"] == "new homeowner; lot larger than 5,000 sqft"
    assert by_name["tax_lien"]["weight"] == 30
    assert prop


async def test_weight_change_is_audited_and_scores_follow_at_the_next_refresh(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    prop = await make_property(db)
    await add_signal(db, prop, "tax_lien")
    await refresh(db)
    auth = await api_as(client, db, UserType.ADMIN)

    response = await client.patch(
        "/api/v1/admin/indicators",
        json={"weights": {"tax_lien": 42, "foreclosure": 50}},  # foreclosure: unchanged
        headers=auth,
    )

    assert response.status_code == 200, response.text
    assert response.json()["changed"] == [{"indicator_name": "tax_lien", "before": 30, "after": 42}]
    [(action, entity, changes)] = await audit_rows(db)
    assert (action, entity) == ("intent_indicator.update", "intent_indicators")
    assert changes == {
        "before": {"indicator_name": "tax_lien", "weight": 30},
        "after": {"indicator_name": "tax_lien", "weight": 42},
    }
    target = await db.scalar(text("SELECT target_id FROM admin_audit_logs"))
    tax_lien = await db.scalar(
        text("SELECT indicator_id FROM intent_indicators WHERE indicator_name = 'tax_lien'")
    )
    assert target == tax_lien
    assert (await scores(db, prop))["distressed_score"] == 30
    await refresh(db)
    assert (await scores(db, prop))["distressed_score"] == 42


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        ({"tax_lien": 40, "no_such_thing": 5}, "weights.no_such_thing"),
        ({"tax_lien": -1}, "weights.tax_lien"),
        ({"tax_lien": 1001}, "weights.tax_lien"),
        ({}, "weights"),
    ],
)
async def test_bad_weights_change_nothing(
    client: httpx.AsyncClient, db: AsyncSession, weights: dict[str, int], field: str
) -> None:
    auth = await api_as(client, db, UserType.ADMIN)

    response = await client.patch(
        "/api/v1/admin/indicators", json={"weights": weights}, headers=auth
    )

    assert response.status_code == 422
    body = response.json()
    fields = {error["field"] for error in body.get("errors", [])} | {body.get("field")}
    assert field in fields
    assert await audit_rows(db) == []
    weight = await db.scalar(
        text("SELECT weight FROM intent_indicators WHERE indicator_name = 'tax_lien'")
    )
    assert weight == 30


async def test_admin_adds_the_heirship_indicator_once(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    prop = await make_property(db)
    await add_signal(db, prop, "heirs_owner")
    auth = await api_as(client, db, UserType.ADMIN)
    body = {"indicator_name": "heirship", "weight": 12, "description": "Heirs own it"}

    created = await client.post("/api/v1/admin/indicators", json=body, headers=auth)
    again = await client.post("/api/v1/admin/indicators", json=body, headers=auth)
    unknown = await client.post(
        "/api/v1/admin/indicators", json={"indicator_name": "hoa_lien", "weight": 5}, headers=auth
    )

    assert created.status_code == 201, created.text
    assert (created.json()["intent_type"], created.json()["rule"].startswith("heirs")) == (
        "distressed_property",
        True,
    )
    assert (again.status_code, unknown.status_code) == (409, 422)
    assert [row[0] for row in await audit_rows(db)] == ["intent_indicator.create"]
    await refresh(db)
    assert (await scores(db, prop))["intent_breakdown"] == {"heirship": 12}


async def test_refresh_now_queues_one_job(client: httpx.AsyncClient, db: AsyncSession) -> None:
    auth = await api_as(client, db, UserType.ADMIN)

    first = await client.post("/api/v1/admin/scores/refresh", headers=auth)
    second = await client.post("/api/v1/admin/scores/refresh", headers=auth)

    assert first.status_code == second.status_code == 202
    assert first.json()["status"] == "queued" and first.json()["job_id"] > 0
    assert (second.json()["status"], second.json()["job_id"]) == ("already_queued", None)
    jobs = (await db.execute(text("SELECT task_name, status::text FROM procrastinate_jobs"))).all()
    assert [tuple(job) for job in jobs] == [("scoring.refresh", "todo")]
