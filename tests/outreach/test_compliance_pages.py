"""The guard's pages: "Consents & opt-outs" (record, revoke, opt out, pages by cursor), its
section on the lead's outreach page, and the admin's Do-Not-Call page (import, counts, the
platform's opt-outs, audited)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User, UserType
from propintel.kit.clock import now_new_york
from propintel.outreach import compliance as guard
from tests.factories import csrf_of, log_in_browser, make_subscriber, make_user, saved_lead

SAMPLE = Path(__file__).parent.parent / "data" / "dnc_sample.txt"


async def logged_in(client: httpx.AsyncClient, db: AsyncSession) -> tuple[User, str]:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    return user, csrf_of(client)


def consent_form(csrf: str, **values: str) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "contact": "(305) 555-0142",
        "channel": "sms_call",
        "source": "written",
        "evidence": "Signed inquiry form of 6/30, in the deal folder",
        "consented_at": "2026-06-30T10:15",
        **values,
    }


async def test_the_empty_page(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await logged_in(client, db)
    page = await client.get("/outreach/consents")
    assert page.status_code == 200
    assert "No consents recorded yet" in page.text and "No opt-outs on your account." in page.text


async def test_record_texts_and_calls_then_revoke_one(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user, csrf = await logged_in(client, db)

    response = await client.post("/outreach/consents", data=consent_form(csrf))
    assert response.status_code == 303 and response.headers["location"] == "/outreach/consents"
    page = await client.get("/outreach/consents")
    assert "Consents recorded." in page.text
    assert page.text.count("(305) 555-0142") >= 2
    assert "Signed inquiry form of 6/30" in page.text

    now = now_new_york()
    verdict = await guard.evaluate(
        db, user=user, channel=guard.Channel.CALL, contact="3055550142", property_id=None,
        lead_id=None, now=now.replace(hour=12),
    )  # fmt: skip
    assert verdict is None

    revoke = re.findall(r'action="(/outreach/consents/[0-9a-f-]+/revoke)"', page.text)
    assert len(revoke) == 2
    response = await client.post(revoke[0], data={"csrf_token": csrf})
    assert response.status_code == 303
    page = await client.get("/outreach/consents")
    assert "Consent revoked" in page.text and "Revoked " in page.text
    assert len(re.findall(r"/revoke\"", page.text)) == 1


async def test_a_bad_consent_is_shown_on_its_field(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    _user, csrf = await logged_in(client, db)
    response = await client.post(
        "/outreach/consents", data=consent_form(csrf, evidence="  ", contact="305-555")
    )
    assert response.status_code == 422
    assert 'data-testid="error-contact"' in response.text
    assert "not a valid US phone number" in response.text
    assert 'value="305-555"' in response.text  # what was typed is kept

    response = await client.post("/outreach/consents", data=consent_form(csrf, evidence=" "))
    assert response.status_code == 422 and 'data-testid="error-evidence"' in response.text

    future = consent_form(csrf, consented_at="2999-01-01T00:00")
    response = await client.post("/outreach/consents", data=future)
    assert response.status_code == 422 and "cannot be dated in the future" in response.text


async def test_someone_elses_consent_cannot_be_revoked(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    other = await make_subscriber(db)
    consent_id = await guard.record_consent(
        db, user_id=other.user_id, contact="3055550142", channel="sms", source="verbal",
        evidence="call", consented_at=datetime(2026, 1, 1),
    )  # fmt: skip
    _user, csrf = await logged_in(client, db)
    response = await client.post(
        f"/outreach/consents/{consent_id}/revoke", data={"csrf_token": csrf}
    )
    assert response.status_code == 404


async def test_consents_page_by_cursor(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user, _csrf = await logged_in(client, db)
    for n in range(27):
        await guard.record_consent(
            db, user_id=user.user_id, contact=f"30555501{n:02d}", channel="sms", source="web_form",
            evidence=f"form #{n}", consented_at=datetime(2026, 1, 1),
            now=datetime(2026, 1, 2, 0, n),
        )  # fmt: skip
    first = await client.get("/outreach/consents")
    assert "form #26" in first.text and "form #2<" in first.text and "form #1<" not in first.text
    [next_url] = re.findall(r'href="(/outreach/consents\?cursor=[^"]+)"', first.text)
    second = await client.get(next_url.replace("&amp;", "&"))
    assert second.status_code == 200
    assert "form #1<" in second.text and "form #0<" in second.text and "form #26" not in second.text


async def test_add_an_opt_out(client: httpx.AsyncClient, db: AsyncSession) -> None:
    _user, csrf = await logged_in(client, db)
    form = {"csrf_token": csrf, "contact": "(305) 555-0142", "channel": "sms"}
    response = await client.post("/outreach/opt-outs", data=form)
    assert response.status_code == 303
    page = await client.get("/outreach/consents")
    assert "Opt-out recorded" in page.text and 'data-testid="opt-outs"' in page.text
    again = await client.post("/outreach/opt-outs", data=form)
    assert "already recorded" in (await client.get(again.headers["location"])).text
    bad = await client.post("/outreach/opt-outs", data={**form, "contact": "nobody"})
    assert bad.status_code == 422 and 'data-testid="error-opt-contact"' in bad.text


# --- the section of the lead's outreach page --------------------------------------------------


async def test_the_section_counts_subscribers_and_lists_blocks(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user, _csrf = await logged_in(client, db)
    lead = await saved_lead(db, user)
    property_id = (
        await db.execute(
            text("SELECT property_id FROM saved_leads WHERE lead_id = :l"), {"l": lead}
        )
    ).scalar_one()
    others = [await make_subscriber(db) for _ in range(2)]
    for n, other in enumerate(others):
        await guard.check(
            db, user=other, channel=guard.Channel.EMAIL, contact=f"o{n}@example.com",
            property_id=property_id, lead_id=None,
        )  # fmt: skip
    await guard.check(
        db, user=user, channel=guard.Channel.SMS, contact="3055550142", property_id=property_id,
        lead_id=lead,
    )  # fmt: skip

    page = await client.get(f"/leads/{lead}/outreach")

    assert page.status_code == 200
    assert 'data-testid="guard-section"' in page.text
    assert "in the last 30 days: 2 of the 6 allowed." in page.text
    assert "No recorded consent" in page.text  # the block's rule in words
    assert "Record the owner&#39;s consent (source and evidence)" in page.text
    assert 'href="/outreach/consents"' in page.text


async def test_the_section_shows_the_unlocked_numbers_and_prefills_one(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user, _csrf = await logged_in(client, db)
    lead = await saved_lead(db, user)
    property_id = (
        await db.execute(
            text("SELECT property_id FROM saved_leads WHERE lead_id = :l"), {"l": lead}
        )
    ).scalar_one()
    phones = [
        {"number": "+13055550170", "type": "mobile", "dnc": False, "litigator": True},
        {"number": "+13055550177", "type": "mobile", "dnc": True, "litigator": False},
    ]
    await db.execute(
        text(
            "INSERT INTO property_contacts (property_id, matched, phones, emails, provider,"
            " enriched_at) VALUES (:p, true, CAST(:phones AS jsonb), '[\"o@example.com\"]',"
            " 'local', :at)"
        ),
        {"p": property_id, "phones": json.dumps(phones), "at": datetime(2026, 1, 1)},
    )
    await db.execute(
        text(
            "INSERT INTO contact_unlocks (user_id, property_id, unlocked_at) VALUES (:u, :p, :at)"
        ),
        {"u": user.user_id, "p": property_id, "at": datetime(2026, 1, 1)},
    )

    page = (await client.get(f"/leads/{lead}/outreach")).text

    assert "(305) 555-0170</strong>: Known litigator: never text or call." in page
    assert (
        "(305) 555-0177</strong>: On the Do-Not-Call list, no consent: do not text or call."
    ) in page
    assert "o@example.com</strong>: E-mail allowed (the owner can unsubscribe)." in page
    contact_input = re.search(r'<input id="guard-consent-contact"[^>]*>', page)
    assert contact_input and 'value="(305) 555-0177"' in contact_input.group(0)


async def test_the_section_in_spanish(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user, _csrf = await logged_in(client, db)
    lead = await saved_lead(db, user)
    await guard.check(
        db, user=user, channel=guard.Channel.SMS, contact="3055550142", property_id=None,
        lead_id=lead,
    )  # fmt: skip
    page = await client.get(f"/leads/{lead}/outreach", headers={"Accept-Language": "es"})
    assert page.status_code == 200
    assert "Cumplimiento" in page.text and "Sin consentimiento registrado" in page.text
    assert "0 de los 6 permitidos" in page.text
    assert "Registrar el consentimiento del propietario" in page.text


async def test_the_sections_consent_form(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user, csrf = await logged_in(client, db)
    lead = await saved_lead(db, user)
    response = await client.post(
        f"/leads/{lead}/outreach/consent", data=consent_form(csrf, channel="sms")
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/leads/{lead}/outreach#guard"
    page = await client.get(f"/leads/{lead}/outreach")
    assert "Consent recorded for (305) 555-0142." in page.text

    bad = await client.post(f"/leads/{lead}/outreach/consent", data=consent_form(csrf, source=""))
    assert bad.status_code == 303
    assert (
        "Choose how the owner gave consent." in (await client.get(f"/leads/{lead}/outreach")).text
    )


async def test_the_sections_form_refuses_anothers_lead(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    other = await make_subscriber(db)
    lead = await saved_lead(db, other)
    _user, csrf = await logged_in(client, db)
    response = await client.post(f"/leads/{lead}/outreach/consent", data=consent_form(csrf))
    assert response.status_code == 404
    count = await db.scalar(text("SELECT count(*) FROM outreach_consents"))
    assert count == 0


# --- the admin's Do-Not-Call page ---------------------------------------------------------------


async def admin_browser(client: httpx.AsyncClient, db: AsyncSession) -> tuple[User, str]:
    admin = await make_user(db, UserType.ADMIN)
    await log_in_browser(client, admin)
    return admin, csrf_of(client)


async def test_admin_imports_a_registry_file(client: httpx.AsyncClient, db: AsyncSession) -> None:
    admin, csrf = await admin_browser(client, db)
    empty = await client.get("/admin/dnc")
    assert empty.status_code == 200 and "The list is empty" in empty.text

    response = await client.post(
        "/admin/dnc",
        data={"csrf_token": csrf},
        files={"file": ("fl-305.txt", SAMPLE.read_bytes(), "text/plain")},
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/dnc#last-import"
    page = (await client.get("/admin/dnc")).text
    assert "fl-305.txt: 8 numbers added, 0 already listed, 5 bad lines set aside." in page
    assert 'data-testid="dnc-added">8<' in page and 'data-testid="dnc-bad">5<' in page
    assert "not a possible US number" in page and "<code>0555550107</code>" in page
    assert 'data-testid="dnc-total">8<' in page
    audited = (
        await db.execute(
            text(
                "SELECT action, target_entity, changes->'after'->>'added' FROM admin_audit_logs"
                " WHERE admin_user_id = :a"
            ),
            {"a": admin.user_id},
        )
    ).all()
    assert [tuple(row) for row in audited] == [("dnc.import", "dnc_numbers", "8")]

    again = await client.post(
        "/admin/dnc",
        data={"csrf_token": csrf},
        files={"file": ("fl-305-again.txt", SAMPLE.read_bytes(), "text/plain")},
    )
    page = (await client.get(again.headers["location"])).text
    # Both imports are listed (in this test's one transaction they share a timestamp, so which
    # one is "latest" is not defined here).
    assert 'data-testid="dnc-imports"' in page
    assert "fl-305-again.txt" in page and "fl-305.txt<" in page


async def test_admin_opts_a_number_out_of_the_platform(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    _admin, csrf = await admin_browser(client, db)
    form = {"csrf_token": csrf, "contact": "305-555-0142", "channel": "all"}
    response = await client.post("/admin/dnc/opt-outs", data=form)
    assert response.status_code == 303
    page = await client.get("/admin/dnc")
    assert "Opted out of the whole platform" in page.text and "(305) 555-0142" in page.text
    subscriber = await make_subscriber(db)
    verdict = await guard.evaluate(
        db, user=subscriber, channel=guard.Channel.SMS, contact="3055550142", property_id=None,
        lead_id=None,
    )  # fmt: skip
    assert verdict is not None and verdict.rule == guard.Rule.OPTED_OUT
    bad = await client.post("/admin/dnc/opt-outs", data={**form, "contact": "x"})
    assert bad.status_code == 422 and 'id="platform-opt-out-error"' in bad.text


async def test_only_admins_see_the_dnc_page(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await logged_in(client, db)
    assert (await client.get("/admin/dnc")).status_code == 403


async def test_admins_and_homeowners_have_no_consents_page(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await log_in_browser(client, await make_user(db, UserType.HOMEOWNER))
    assert (await client.get("/outreach/consents")).status_code == 403
