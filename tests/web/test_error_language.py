"""Errors answer in the request's language: the JSON envelope's message, the error page's title and
text, the CSRF refusal, a refused cursor, a domain error raised with an English message id."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, UserType
from tests.factories import api_as, browser_as

SPANISH = {"Accept-Language": "es"}


async def test_api_errors_in_spanish(client: httpx.AsyncClient, db: AsyncSession) -> None:
    missing = await client.get("/api/v1/no-such-thing", headers=SPANISH)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No hay nada en esta dirección."
    headers = {**await api_as(client, db, Plan.FULL), **SPANISH}
    invalid = await client.get("/api/v1/properties", params={"near": "north"}, headers=headers)
    assert invalid.status_code == 422
    assert invalid.json()["detail"].startswith("Solicitud no válida: near: ")
    english = await client.get("/api/v1/no-such-thing")
    assert english.json()["detail"] == "There is nothing at this address."


async def test_error_pages_in_spanish(client: httpx.AsyncClient, db: AsyncSession) -> None:
    page = await client.get("/no-such-page", headers=SPANISH)
    assert page.status_code == 404
    assert "<h1>Página no encontrada</h1>" in page.text
    assert "No hay nada en esta dirección." in page.text and "Ir a la página de inicio" in page.text
    await browser_as(client, db, UserType.HOMEOWNER)
    refused = await client.get("/tokens", headers=SPANISH)  # subscribers only
    assert refused.status_code == 403 and "<h1>No permitido</h1>" in refused.text
    assert "Su tipo de cuenta no puede usar esta página." in refused.text


async def test_csrf_refusal_in_spanish(client: httpx.AsyncClient) -> None:
    await client.get("/login")
    response = await client.post("/locale", data={"locale": "es"}, headers=SPANISH)
    assert response.status_code == 403
    assert "El formulario venció o no fue enviado por este sitio." in response.text


async def test_messages_raised_in_spanish(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await browser_as(client, db, Plan.FULL)
    cursor = await client.get("/tokens", params={"cursor": "forged"}, headers=SPANISH)
    assert cursor.status_code == 422
    assert "Este enlace de página (cursor) no es válido" in cursor.text
    flash = await client.post(
        "/billing/local-renew", data={"csrf_token": client.cookies["propintel_csrf"]},
        headers=SPANISH,
    )  # fmt: skip
    assert flash.status_code == 303
    page = await client.get(flash.headers["location"], headers=SPANISH)
    assert "No tiene un plan para renovar." in page.text


async def test_token_preferences_say_what_to_fix_in_spanish(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, Plan.FULL)
    form = {"csrf_token": client.cookies["propintel_csrf"], "daily_limit": "-5"}
    page = await client.post("/tokens/preferences", data=form, headers=SPANISH)
    assert page.status_code == 422
    assert 'data-testid="error-daily_limit">Límite diario: Ingrese 0 o más.</div>' in page.text
    english = await client.post("/tokens/preferences", data=form)
    assert 'data-testid="error-daily_limit">Daily limit: Enter 0 or more.</div>' in english.text


async def test_who_is_asking_refusals_in_spanish(client: httpx.AsyncClient) -> None:
    malformed = await client.get(
        "/api/v1/tokens/balance", headers={**SPANISH, "Authorization": "Basic abc"}
    )
    assert malformed.status_code == 401
    assert malformed.json()["detail"] == "El encabezado Authorization debe ser 'Bearer <token>'."
    anonymous = await client.get("/api/v1/tokens/balance", headers=SPANISH)
    assert anonymous.json()["detail"].startswith("Inicie sesión primero")
    forged = await client.get(
        "/api/v1/tokens/balance", headers={**SPANISH, "Authorization": "Bearer pit_forged"}
    )
    assert forged.json()["detail"] == "El token de la API no es válido, venció o fue revocado."
    english = await client.get("/api/v1/tokens/balance", headers={"Authorization": "Basic abc"})
    assert english.json()["detail"] == "Authorization header must be 'Bearer <token>'."
