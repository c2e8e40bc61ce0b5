"""Scoring pages: the admin's weights form (CSRF), refresh now, a property's score panel."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import ROLE_REFUSAL
from propintel.auth.models import Plan, UserType
from propintel.web.security import CSRF_REFUSAL
from tests.factories import browser_as, make_property
from tests.scoring.helpers import add_signal, refresh


async def weight_of(db: AsyncSession, name: str) -> int:
    weight: int = await db.scalar(
        text("SELECT weight FROM intent_indicators WHERE indicator_name = :name"), {"name": name}
    )
    return weight


def form(csrf: str | None, **weights: object) -> dict[str, object]:
    data: dict[str, object] = {f"weight_{name}": value for name, value in weights.items()}
    if csrf is not None:
        data["csrf_token"] = csrf
    return data


async def test_admin_page_lists_every_indicator_with_its_weight(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, UserType.ADMIN)

    page = await client.get("/admin/indicators")

    assert page.status_code == 200
    assert 'name="weight_tax_lien"' in page.text and 'value="30"' in page.text
    assert 'href="/admin/indicators">Scoring</a>' in page.text
    assert "heirship" in page.text  # a rule without an indicator, offered to add
    assert 'action="/admin/scores/refresh"' in page.text


async def test_saving_the_form_changes_weights_and_audits(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)

    response = await client.post("/admin/indicators", data=form(csrf, tax_lien=35, vacant=20))

    assert response.status_code == 303
    assert (await weight_of(db, "tax_lien"), await weight_of(db, "vacant")) == (35, 20)
    actions = (await db.execute(text("SELECT action FROM admin_audit_logs"))).scalars().all()
    assert actions == ["intent_indicator.update"]
    page = await client.get(response.headers["location"])
    assert "tax_lien 30 → 35" in page.text


async def test_form_without_csrf_token_is_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, UserType.ADMIN)

    response = await client.post("/admin/indicators", data=form(None, tax_lien=99))
    refresh_response = await client.post("/admin/scores/refresh", data={})

    assert (response.status_code, refresh_response.status_code) == (403, 403)
    assert CSRF_REFUSAL in response.text and CSRF_REFUSAL in refresh_response.text
    assert await weight_of(db, "tax_lien") == 30
    assert await db.scalar(text("SELECT count(*) FROM procrastinate_jobs")) == 0


async def test_invalid_weight_is_shown_at_its_field_and_nothing_is_saved(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)

    response = await client.post("/admin/indicators", data=form(csrf, tax_lien=40, vacant="lots"))

    assert response.status_code == 422
    assert 'id="e-vacant"' in response.text and "is not a whole number" in response.text
    assert 'value="lots"' in response.text
    assert await weight_of(db, "tax_lien") == 30


async def test_refresh_now_queues_the_job(client: httpx.AsyncClient, db: AsyncSession) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)

    response = await client.post("/admin/scores/refresh", data={"csrf_token": csrf})

    assert response.status_code == 303
    jobs = (await db.execute(text("SELECT task_name FROM procrastinate_jobs"))).scalars().all()
    assert jobs == ["scoring.refresh"]
    assert "A refresh is queued" in (await client.get("/admin/indicators")).text


async def test_add_indicator_form(client: httpx.AsyncClient, db: AsyncSession) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)

    response = await client.post(
        "/admin/indicators/new",
        data={"csrf_token": csrf, "indicator_name": "heirship", "weight": "8"},
    )

    assert response.status_code == 303
    assert await weight_of(db, "heirship") == 8


async def test_weights_page_is_for_admins(client: httpx.AsyncClient, db: AsyncSession) -> None:
    csrf = await browser_as(client, db, UserType.SUBSCRIBER)

    page = await client.get("/admin/indicators")
    assert page.status_code == 403 and ROLE_REFUSAL in page.text
    response = await client.post("/admin/indicators", data=form(csrf, tax_lien=1))
    assert response.status_code == 403 and ROLE_REFUSAL in response.text
    assert await weight_of(db, "tax_lien") == 30


async def test_property_score_page_renders_the_panel(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    prop = await make_property(db)
    reference = await add_signal(db, prop, "divorce", source="clerk-family-court")
    await refresh(db)
    await browser_as(client, db, Plan.INVESTOR)

    page = await client.get(f"/properties/{prop}/score")
    missing = await client.get(f"/properties/{uuid.uuid4()}/score")

    assert page.status_code == 200
    assert 'data-indicator="divorce"' in page.text
    assert "<strong>Divorce</strong>" in page.text
    assert f"<strong>Family court case</strong>\n              · {reference}" in page.text
    assert missing.status_code == 404
