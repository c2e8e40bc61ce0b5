"""Leads, follow-ups, search, scores and saved searches in Spanish: pages asked for in Spanish show
Spanish texts (statuses, plurals, flash messages, errors) with Spanish dates and numbers, the
scripts get their texts from the page, and the follow-up digest and saved-search alerts are
written in each recipient's language; property data stays as recorded."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, User
from propintel.integrations.local.email import LocalEmail
from propintel.integrations.local.outbox_repository import OutboxRepository
from propintel.kit import i18n
from propintel.leads.digest import send_task_digests
from propintel.leads.models import LeadStatus, move_label, status_name
from propintel.leads.service import add_task
from propintel.saved_searches.alerts import run_due_alerts
from propintel.saved_searches.models import AlertFrequency
from propintel.saved_searches.pages import describe
from propintel.saved_searches.service import create_search
from propintel.scoring.indicators import RULES, RULES_BY_NAME
from propintel.scoring.readable import RULE_SUMMARIES, rule_summary
from propintel.search.criteria import SearchCriteria
from tests.factories import csrf_of, log_in_browser, make_subscriber, saved_lead, scored_property

SPANISH = {"Accept-Language": "es-US,es;q=0.9"}
MORNING = datetime(2026, 6, 2, 7, 0)  # New York time, a Tuesday
BASE = "https://app.example"


def _text(html: str) -> str:
    """The page's text without its scripts (the JSON of the scripts' texts is checked apart)."""
    return re.sub(r"<script\b.*?</script>", "", html, flags=re.S)


async def _spanish_subscriber(db: AsyncSession, client: httpx.AsyncClient) -> User:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    return user


async def test_lead_pages_flash_messages_and_history_are_spanish(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    await _spanish_subscriber(db, client)
    prop = await scored_property(
        db, distressed=45, full_address="7 CORAL WAY, MIAMI, FL 33145", market_value=1_234_567
    )
    csrf = csrf_of(client)
    saved = await client.post(
        "/leads",
        data={"property_id": str(prop), "lead_source": "distressed", "csrf_token": csrf},
        headers=SPANISH,
    )
    lead_path = saved.headers["location"]
    after_save = await client.get(lead_path, headers=SPANISH)
    await client.post(
        f"{lead_path}/status", data={"status": "contacted", "csrf_token": csrf}, headers=SPANISH
    )
    refused = await client.post(
        f"{lead_path}/status", data={"status": "won", "csrf_token": csrf}, headers=SPANISH
    )
    after_refusal = await client.get(lead_path, headers=SPANISH)
    await client.post(
        f"{lead_path}/contacts",
        data={"channel": "in_person", "body": "Dejó un mensaje", "csrf_token": csrf},
        headers=SPANISH,
    )
    blank_note = await client.post(
        f"{lead_path}/notes", data={"body": "", "csrf_token": csrf}, headers=SPANISH
    )
    page = await client.get(lead_path, headers=SPANISH)
    board = await client.get("/leads", headers=SPANISH)
    table = await client.get("/leads/table", headers=SPANISH)
    english = await client.get(lead_path)

    assert "Prospecto guardado." in after_save.text
    assert refused.status_code == 303
    assert "Un prospecto en estado contactado no puede pasar a ganado" in after_refusal.text
    assert blank_note.status_code == 422 and "Texto: Obligatorio." in blank_note.text
    text = _text(page.text)
    assert 'data-testid="lead-status">contactado<' in text
    assert "Movido de nuevo a <strong>contactado</strong>" in text
    assert "Contacto por en persona: Dejó un mensaje" in text
    assert "1 intento de contacto" in text and "Próximos pasos" in text
    assert "1.234.567\xa0US$" in text  # the market value, Spanish style
    assert "7 CORAL WAY, MIAMI, FL 33145" in text  # the address as recorded
    for english_text in ("Next actions", "Log a contact", "Follow-ups", "History", "Moved from"):
        assert english_text not in text, english_text
    assert "Contactado <span" in board.text and "Calificado →" in board.text
    assert "Marcar perdido" in board.text
    assert "1 prospecto, los actualizados más recientemente primero." in table.text
    assert "Next actions" in english.text and "Moved from new to <strong>contacted</strong>" in (
        english.text
    )


async def test_bulk_save_message_uses_spanish_plurals(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await _spanish_subscriber(db, client)
    props = [
        await scored_property(db, distressed=30, full_address=f"{n} PLURAL ST, MIAMI, FL 33139")
        for n in range(3)
    ]
    await saved_lead(db, user, "9 ALREADY ST")
    already = await scored_property(db, distressed=30, full_address="8 TWICE ST, MIAMI, FL 33139")
    await client.post(
        "/leads",
        data={
            "property_id": str(already),
            "lead_source": "distressed",
            "csrf_token": csrf_of(client),
        },
    )

    saved = await client.post(
        "/leads/bulk",
        data={
            "selected": [f"{prop}:distressed" for prop in [*props, already]],
            "tag": "Correo de mayo",
            "csrf_token": csrf_of(client),
        },
        headers=SPANISH,
    )
    board = await client.get("/leads", headers=SPANISH)

    assert saved.status_code == 303
    assert (
        "4 prospectos guardados (1 ya estaba en sus prospectos), con la etiqueta “Correo de mayo”."
        in board.text
    )


async def test_follow_ups_are_listed_with_spanish_dates(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await _spanish_subscriber(db, client)
    lead = await saved_lead(db, user, "5 TASK ST")
    await add_task(db, user.user_id, lead, "Llamar al dueño", date(2030, 1, 15))

    page = await client.get("/leads/followups", headers=SPANISH)

    assert page.status_code == 200
    assert "1 seguimiento abierto, el más próximo primero." in page.text
    assert "15 ene 2030" in page.text and "Llamar al dueño" in page.text


async def test_search_and_property_pages_are_spanish_and_give_scripts_their_texts(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db, Plan.FULL)
    await log_in_browser(client, user)
    prop = await scored_property(
        db,
        distressed=40,
        zip_code="33177",
        full_address="3 BUSCAR ST, MIAMI, FL 33177",
        square_feet=2_150,
        property_type="single_family",
        breakdown={"tax_lien": 40},
    )

    search = await client.get(
        "/search", params={"zip": "33177", "intent": "distressed", "count": "1"}, headers=SPANISH
    )
    bad = await client.get("/search", params={"zip": "3317"}, headers=SPANISH)
    radius = await client.get(
        "/search", params={"near": "25.8,-80.2", "radius_m": "0"}, headers=SPANISH
    )
    page = await client.get(f"/properties/{prop}", headers=SPANISH)
    score = await client.get(f"/properties/{prop}/score", headers=SPANISH)

    text = _text(search.text)
    assert "Búsqueda de prospectos" in text and "Filtros" in text
    assert "<strong>1</strong> propiedad coincide" in text
    assert "2.150 pies²" in text and "unifamiliar" in text
    assert "Gravamen fiscal +40" in text  # the indicator's label
    assert "Preejecución hipotecaria a menos de 5 km" in text  # a preset
    texts = json.loads(
        re.search(r'<script type="application/json" id="search-texts">(.*?)</script>', search.text)[
            1
        ]  # type: ignore[index]
    )
    assert texts["locale"] == "es" and texts["properties_match"] == "propiedades coinciden"
    assert texts["selected_many"] == "{count} seleccionados"
    assert texts["draw"]["polygon"] == "Dibujar un polígono"
    assert (
        bad.status_code == 422 and "&#39;3317&#39; no es un código postal de 5 dígitos" in bad.text
    )
    assert radius.status_code == 422 and "Ingrese 1 o más." in radius.text
    assert "Historial de ventas" in page.text and "Guardar prospecto" in page.text
    assert "Puntuación de prospecto en dificultades" in score.text
    assert "Controles de calidad de los datos" in score.text
    assert "No se detecta en esta propiedad ningún indicador" in score.text  # none stored yet


async def test_saved_search_pages_describe_criteria_in_spanish(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    await _spanish_subscriber(db, client)
    query = "intent=distressed&zip=33150&pool=true"

    form = await client.get(f"/saved-searches/new?{query}", headers=SPANISH)
    created = await client.post(
        "/saved-searches",
        data={
            "query": query,
            "search_name": "Piscinas",
            "alert_frequency": "weekly",
            "csrf_token": csrf_of(client),
        },
        headers=SPANISH,
    )
    listing = await client.get("/saved-searches", headers=SPANISH)

    assert "tipo: en dificultades · código postal: 33150 · piscina: sí" in form.text
    assert created.status_code == 303
    assert (
        'Se guardó "Piscinas".' in listing.text or "Se guardó &#34;Piscinas&#34;." in listing.text
    )
    assert ">semanalmente</option>" in listing.text and "Volver a ejecutar" in listing.text
    with i18n.using_locale("en"):
        assert (
            describe({"intent": "distressed", "zip": ["33150"]})
            == "intent: distressed · zip: 33150"
        )


async def _outbox(db: AsyncSession, user: User) -> list[tuple[str, str, str | None]]:
    emails = await OutboxRepository(db).page(user.user_id, None, 50)
    return [(email.subject, email.text_body, email.html_body) for email in emails]


async def test_digest_and_alert_emails_are_in_each_recipients_language(db: AsyncSession) -> None:
    ana = await make_subscriber(db)
    ana.preferred_locale = "es"
    bob = await make_subscriber(db)  # no preference: English, whatever the job's locale
    for user in (ana, bob):
        lead = await saved_lead(db, user, f"1 {user.user_id.hex[:6].upper()} ST")
        await add_task(db, user.user_id, lead, "Llamar", MORNING.date())
        await add_task(db, user.user_id, lead, "Cotizar", MORNING.date() - timedelta(days=3))
    await db.flush()

    with i18n.using_locale("es"):  # the job's own locale does not leak into Bob's email
        await send_task_digests(db, LocalEmail(db, "alerts@example.com"), MORNING, BASE)
    [(subject, body, html)] = await _outbox(db, ana)
    [(bob_subject, bob_body, _bob_html)] = await _outbox(db, bob)

    assert subject == "Seguimientos: 1 para hoy, 1 vencidos"
    assert body.startswith("Sus seguimientos del martes, 2 de junio: 1 para hoy, 1 vencidos.")
    assert "VENCIDO desde el 2026-05-30: Cotizar" in body
    assert html is not None and '<html lang="es">' in html and "véalos todos" in html
    assert bob_subject == "Follow-ups: 1 due today, 1 overdue"
    assert bob_body.startswith("Your follow-ups for Tuesday, June 2:")


async def test_saved_search_alert_is_in_the_recipients_language(db: AsyncSession) -> None:
    ana = await make_subscriber(db)
    ana.preferred_locale = "es"
    await db.flush()
    await create_search(
        db,
        ana,
        "Little River",
        SearchCriteria.model_validate({"intent": "distressed", "zip": ["33150"]}),
        AlertFrequency.WEEKLY,
        datetime(2026, 6, 1, 15, 0),
    )
    for street in ("2 NEW ST", "3 NEW ST"):
        await scored_property(
            db, distressed=40, zip_code="33150", full_address=f"{street}, MIAMI, FL 33150"
        )

    await run_due_alerts(
        db, LocalEmail(db, "alerts@example.com"), MORNING + timedelta(days=7), BASE
    )
    [(subject, body, html)] = await _outbox(db, ana)

    assert subject == '2 propiedades nuevas para "Little River"'
    assert body.startswith(
        '2 propiedades nuevas coinciden con su búsqueda guardada "Little River".'
    )
    assert "Recibe esta alerta (semanalmente)" in body and "2 NEW ST, MIAMI, FL 33150" in body
    assert html is not None and "<strong>Little River</strong>" in html


def test_status_names_and_moves_follow_the_locale() -> None:
    with i18n.using_locale("es"):
        assert [status.label for status in LeadStatus] == [
            "Nuevo",
            "Contactado",
            "Calificado",
            "Cita",
            "Ganado",
            "Perdido",
        ]
        assert status_name("appointment") == "cita"
        assert move_label("new", LeadStatus.CONTACTED) == "Contactado →"
        assert move_label("contacted", LeadStatus.NEW) == "← Nuevo"
        assert move_label("lost", LeadStatus.NEW) == "Reabrir"
        assert i18n.ngettext("{count} lead saved", "{count} leads saved", 5) == (
            "{count} prospectos guardados"
        )
    assert status_name("appointment") == "appointment" and LeadStatus.WON.label == "Won"
    assert status_name(None) == "—" and status_name("archived") == "archived"


def test_every_rule_summary_is_marked_for_translation() -> None:
    """A rule's summary shows translated only if its English is in RULE_SUMMARIES: a summary
    changed in scoring/indicators.py must be changed there too (and in the catalog)."""
    assert [rule.summary for rule in RULES] == list(RULE_SUMMARIES)
    with i18n.using_locale("es"):
        assert rule_summary(RULES_BY_NAME["old_hvac"].summary) == (
            "nuevo propietario; construida antes de 2000"
        )
    assert rule_summary(None) is None
