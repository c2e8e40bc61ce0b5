"""The starter scripts and call templates: every one passes the checks a subscriber's own would,
every trade has them in both languages and both voices, and copying picks the profile's brand
voice (professional when the library has no variant in it) and never adds a name twice."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import script_starters, scripts, starters, templates
from propintel.auth.models import User
from propintel.kit.errors import Invalid
from propintel.profiles import service as profiles
from tests.factories import browser_as, make_subscriber

SCRIPT_TYPES = {"sms", "email", "cold_call", "voicemail"}


@pytest.mark.parametrize("trade", list(starters.TRADES))
@pytest.mark.parametrize("language", list(starters.LANGUAGES))
def test_every_starter_is_valid(trade: str, language: str) -> None:
    chosen = starters.starter_set(trade, language)
    assert chosen is not None
    for voice in starters.VOICES:
        voiced = [s for s in chosen.scripts if s.voice == voice]
        assert {s.script_type for s in voiced} == SCRIPT_TYPES
        for script in voiced:
            assert scripts.unknown_variables(script.script_content) == []
            assert "%(" not in script.script_content
        calls = [t for t in chosen.templates if t.voice == voice]
        assert {t.template_type for t in calls} == {"intro", "voicemail"}
        for template in calls:
            checked = templates.check(template.template_content, template.variables)
            assert checked.variables == list(template.variables)


def test_spanish_starters_are_in_spanish() -> None:
    chosen = starters.starter_set("pool", "es")
    assert chosen is not None
    sms = next(s for s in chosen.scripts if s.script_type == "sms")
    assert "Responda ALTO" in sms.script_content and "piscinas" in sms.script_content


def test_a_voice_without_variants_falls_back_to_professional() -> None:
    chosen = starters.starter_set("lawn", "en")
    assert chosen is not None
    assert starters.in_voice(chosen.scripts, "luxury") == starters.in_voice(
        chosen.scripts, "professional"
    )
    assert starters.in_voice(chosen.scripts, "friendly") != starters.in_voice(
        chosen.scripts, "professional"
    )


async def _with_voice(db: AsyncSession, voice: str) -> User:
    user = await make_subscriber(db)
    profile = await profiles.subscriber_profile(db, user)
    profile.brand_voice = voice
    await db.flush()
    return user


async def test_copy_in_the_profiles_voice_once(db: AsyncSession) -> None:
    user = await _with_voice(db, "friendly")
    copied = await script_starters.copy_starters(db, user, "pool", "en")
    assert (copied.scripts, copied.templates, copied.voice) == (4, 2, "friendly")
    rows, _ = await scripts.scripts_page(db, user.user_id, limit=50, script_type="sms")
    assert len(rows) == 1 and rows[0].script_content.startswith("Hi {owner_first_name}!")

    # edit a copy: copying again neither duplicates nor overwrites it
    await scripts.update_script(db, user.user_id, rows[0].script_id, content="Mine now")
    again = await script_starters.copy_starters(db, user, "pool", "en")
    assert (again.scripts, again.templates) == (0, 0)
    assert (await scripts.script(db, user.user_id, rows[0].script_id)).script_content == "Mine now"
    assert len(await scripts.script_names(db, user.user_id)) == 4
    assert len(await templates.template_names(db, user.user_id)) == 2

    # another trade or language adds its own
    spanish = await script_starters.copy_starters(db, user, "pool", "es")
    assert (spanish.scripts, spanish.templates) == (4, 2)


async def test_copy_falls_back_to_professional(db: AsyncSession) -> None:
    user = await _with_voice(db, "luxury")
    copied = await script_starters.copy_starters(db, user, "investor", "en")
    assert copied.voice == "professional"
    rows, _ = await scripts.scripts_page(db, user.user_id, limit=50, script_type="sms")
    assert rows[0].script_content.startswith("Hello {owner_first_name}, this is")


async def test_an_unknown_trade_is_refused(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    with pytest.raises(Invalid):
        await script_starters.copy_starters(db, user, "plumbing", "en")


async def test_the_copy_button(client: httpx.AsyncClient, db: AsyncSession) -> None:
    csrf = await browser_as(client, db)
    page = await client.get("/assistant/scripts")
    assert 'data-testid="script-starters"' in page.text
    assert "Add the starter scripts and call templates for Roofing (English)" in page.text
    form = {"csrf_token": csrf, "trade": "roofing", "language": "en", "back": "templates"}
    copied = await client.post("/assistant/scripts/starters", data=form)
    assert copied.status_code == 303 and copied.headers["location"] == "/assistant/templates"
    listing = await client.get("/assistant/templates")
    assert "4 starter scripts and 2 call templates added" in listing.text
    assert "Roofing: AI intro call" in listing.text
    again = await client.post("/assistant/scripts/starters", data={**form, "back": "scripts"})
    assert again.headers["location"] == "/assistant/scripts"
    listing = await client.get("/assistant/scripts")
    assert "You already have these starters" in listing.text
    assert listing.text.count(">Roofing: first text</a>") == 1
