"""The admin pages in Spanish: headings, labels, the names they show (audit actions, import formats,
scheduled jobs), flash and error messages, and numbers, money and dates as Spanish writes them.
(tests/kit/test_translations.py checks that every text has Spanish with the same placeholders.)"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from propintel.jobs.schedule import SCHEDULE
from propintel.kit.files import LocalFileStore
from propintel.maintenance import tasks
from tests.factories import api_as, browser_as, make_subscriber
from tests.maintenance.test_pages import RECONCILE_DETAIL, record_run

SPANISH = {"Accept-Language": "es-US,es;q=0.9,en;q=0.5"}


async def _get(client: httpx.AsyncClient, path: str, **params: str) -> str:
    response = await client.get(path, params=params, headers=SPANISH)
    assert response.status_code == 200, (path, response.status_code)
    assert '<html lang="es">' in response.text
    return response.text


def _absent(page: str, *english: str) -> list[str]:
    """The English texts of ``english`` that ``page`` still shows (as whole words)."""
    return [word for word in english if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", page)]


async def test_catalog_pages_and_their_flash_in_spanish(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)

    bundles = await _get(client, "/admin/bundles")
    assert "<h1>Paquetes</h1>" in bundles and "Paquetes de tokens" in bundles
    assert "35,00\xa0US$" in bundles  # the 50000 Credits bundle, priced as Spanish writes it
    assert "Agregar un paquete" in bundles and "Precio (USD)" in bundles
    assert not _absent(bundles, "Bundles", "Token bundles", "Edit", "Add", "Status", "active")

    plans = await _get(client, "/admin/plans")
    assert "Planes de suscripción" in plans and "Prospectos de propiedades en dificultades" in plans
    assert not _absent(plans, "Distressed-property leads", "Monthly price (USD)", "Features")

    pricing = await _get(client, "/admin/pricing")
    assert "Margen objetivo (%)" in pricing and "Cómo se relacionan las acciones" in pricing
    assert not _absent(pricing, "Target markup (%)", "Service", "Tokens per unit")

    bundle_id = await db.scalar(
        text("SELECT bundle_id FROM token_bundles WHERE bundle_name = '50000 Credits'")
    )
    edit = await _get(client, f"/admin/bundles/{bundle_id}")
    assert "Editar el paquete 50000 Credits" in edit and "Guardar cambios" in edit
    confirm = await _get(client, f"/admin/bundles/{bundle_id}/deactivate")
    assert "¿Desactivar el paquete 50000 Credits?" in confirm

    form = {"csrf_token": csrf, "bundle_name": "50000 Credits", "token_amount": "50000"}
    bad = await client.post(
        f"/admin/bundles/{bundle_id}", data={**form, "price": "1.001"}, headers=SPANISH
    )
    assert bad.status_code == 422 and "No se guardó nada" in bad.text
    saved = await client.post(
        f"/admin/bundles/{bundle_id}", data={**form, "price": "32.50"}, headers=SPANISH
    )
    assert saved.status_code == 303
    after = await _get(client, "/admin/bundles")
    assert "Se guardó el paquete 50000 Credits." in after and "32,50\xa0US$" in after
    gone = await client.post(
        f"/admin/bundles/{bundle_id}/deactivate", data={"csrf_token": csrf}, headers=SPANISH
    )
    assert gone.status_code == 303
    listing = await _get(client, "/admin/bundles")
    assert "El paquete 50000 Credits está desactivado: ya no se ofrece." in listing
    assert '<span class="badge">inactivo</span>' in listing


async def test_audit_log_names_actions_and_entities_in_spanish(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    plan_id = await db.scalar(
        text("SELECT plan_id FROM subscription_plans WHERE plan_name = 'investor'")
    )
    changed = await client.patch(
        f"/api/v1/admin/plans/{plan_id}", json={"monthly_price": "59.00"}, headers=headers
    )
    assert changed.status_code == 200
    api = await client.get("/api/v1/admin/audit", headers={**headers, **SPANISH})
    [entry] = api.json()["entries"]
    assert (entry["action_label"], entry["entity_label"]) == ("Plan modificado", "Plan")

    await browser_as(client, db, UserType.ADMIN)
    page = await _get(client, "/admin/audit")
    assert "Registro de auditoría" in page
    assert '<td title="plan.update">Plan modificado</td>' in page
    assert '<option value="plan.update">Plan modificado</option>' in page
    assert not _absent(page, "Changed plan", "Filter", "Entries", "Before", "After")
    backwards = await client.get(
        "/admin/audit", params={"date_from": "2026-03-02", "date_to": "2026-03-01"}, headers=SPANISH
    )
    assert backwards.status_code == 422
    assert "La fecha final es anterior a la fecha inicial." in backwards.text


async def test_economics_dates_and_errors_in_spanish(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    refused = await client.get(
        "/api/v1/admin/economics",
        params={"from": "2026-03-10", "to": "2026-03-01"},
        headers={**headers, **SPANISH},
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == "La fecha final es anterior a la fecha inicial."

    await browser_as(client, db, UserType.ADMIN)
    quiet = {"period": "week", "from": "2025-01-06", "to": "2025-02-02"}
    page = await _get(client, "/admin/economics", **quiet)
    assert "Sin actividad del 6 ene 2025 al 2 feb 2025" in page
    assert 'data-testid="total-revenue">0,00\xa0US$' in page
    assert '<option value="week" selected>semana</option>' in page
    assert not _absent(page, "Revenue", "Tokens sold", "Company token pool", "Show")


async def test_imports_users_and_maintenance_in_spanish(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, UserType.ADMIN)
    await db.execute(
        text(
            "INSERT INTO import_runs (kind, source_file, status, counts) VALUES "
            "('nal', 'roll.csv', 'succeeded', '{\"read\": 12345, \"quarantined_total\": 2}')"
        )
    )
    imports = await _get(client, "/admin/imports")
    assert "Importaciones de datos" in imports
    assert '<option value="nal">Padrón fiscal del DOR (NAL)</option>' in imports
    assert ">completada</span>" in imports and ">12.345<" in imports
    assert not _absent(imports, "Upload a file", "Recent imports", "succeeded", "DOR tax roll")

    subscriber = await make_subscriber(db)
    users = await _get(client, "/admin/users")
    assert "Buscar usuarios" in users and ">suscriptor<" in users
    person = await _get(client, f"/admin/users/{subscriber.user_id}")
    assert "Otorgar o descontar" in person and "Registro contable" in person
    assert not _absent(person, "Grant or deduct", "Apply", "Account", "Type")

    maintenance = await _get(client, "/admin/maintenance")
    assert maintenance.count("Ejecutar ahora</button>") == len(SCHEDULE)
    assert "Comprueba que un worker ejecuta la programación" in maintenance
    assert not _absent(maintenance, "Run now", "Schedule", "Token balance discrepancies")
    database = await _get(client, "/admin/maintenance/database")
    assert "Informes de la base de datos" in database and "Uso de índices" in database


async def test_a_refused_upload_says_why_in_spanish(
    client: httpx.AsyncClient, db: AsyncSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is checked in a worker thread: the request's language goes with it."""
    store = LocalFileStore(tmp_path / "uploads")
    monkeypatch.setattr("propintel.admin.pages.upload_store", lambda: store)
    csrf = await browser_as(client, db, UserType.ADMIN)
    response = await client.post(
        "/admin/imports",
        data={"kind": "nal", "csrf_token": csrf},
        files={"file": ("padron.csv", b"CO_NO,PARCEL_ID\n23,1\n", "text/csv")},
        headers=SPANISH,
    )
    assert response.status_code == 422
    error = response.text.split('id="upload-error">')[1].split("</div>")[0]
    assert error.startswith("padron.csv: faltan columnas obligatorias: DOR_UC, JV")
    assert list(store.root.iterdir()) == []


async def test_the_grant_form_says_what_to_fix_in_spanish(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)
    person = await make_subscriber(db)
    url = f"/admin/users/{person.user_id}/tokens"
    form = {"csrf_token": csrf, "action": "grant", "tokens": "10", "reason": "goodwill"}

    not_a_number = await client.post(url, data={**form, "tokens": "diez"}, headers=SPANISH)
    assert not_a_number.status_code == 422
    assert "Tokens: Ingrese un número entero, sin separadores." in not_a_number.text
    short = await client.post(url, data={**form, "reason": "ok"}, headers=SPANISH)
    assert short.status_code == 422 and "Motivo: Use al menos 3 caracteres." in short.text
    english = await client.post(url, data={**form, "reason": "ok"})
    assert "Reason: Use at least 3 characters." in english.text

    granted = await client.post(url, data=form, headers=SPANISH)
    assert granted.status_code == 303
    page = await _get(client, f"/admin/users/{person.user_id}")
    assert "Se otorgaron 10 tokens; el saldo ahora es" in page


async def test_maintenance_results_read_in_spanish(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, UserType.ADMIN)
    await record_run(db, tasks.RECONCILE_TOKENS, "ok", RECONCILE_DETAIL)
    page = await _get(client, "/admin/maintenance")
    assert "Fondo: comprados 1.500 · consumidos 305 · total 1.195 (corregido)." in page
    assert "3 usuarios revisados, 1 discrepancia de saldo." in page
    assert "1.234 ms" in page and ">correcta</span>" in page
    assert "En la conciliación del" in page
    assert "1 usuario tenía un <code>token_balance</code>" in page
    assert not _absent(page, "Pool", "users checked", "Balance", "Difference")
