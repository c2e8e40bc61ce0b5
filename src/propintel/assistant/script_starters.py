"""Copy a trade's starter scripts and call templates (starters.py) into the subscriber's own rows,
in the brand voice of the subscriber's profile (professional when the library has no variant in
that voice). Copying twice adds nothing twice: a starter whose name the subscriber already uses is
skipped (so an edited copy is never overwritten). Flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import scripts, starters, templates
from propintel.auth.models import User
from propintel.kit.errors import Invalid
from propintel.kit.i18n import _
from propintel.profiles import service as profiles


@dataclass(frozen=True)
class Copied:
    scripts: int
    templates: int
    voice: str


async def copy_starters(session: AsyncSession, user: User, trade: str, language: str) -> Copied:
    """Add the trade's starter scripts and call templates in ``language`` that the subscriber
    does not have yet (by name); how many of each were added, and the voice used."""
    chosen = starters.starter_set(trade, language)
    if chosen is None or not (chosen.scripts or chosen.templates):
        raise Invalid(_("There is no starter set for this trade and language."), field="trade")
    profile = await profiles.subscriber_profile(session, user)
    wanted = profile.brand_voice or starters.DEFAULT_VOICE
    voice = wanted if any(s.voice == wanted for s in chosen.scripts) else starters.DEFAULT_VOICE

    have = await scripts.script_names(session, user.user_id)
    added_scripts = 0
    for script in starters.in_voice(chosen.scripts, voice):
        if script.script_name in have:
            continue
        await scripts.create_script(
            session,
            user.user_id,
            script_type=script.script_type,
            name=script.script_name,
            content=script.script_content,
        )
        have.add(script.script_name)
        added_scripts += 1

    have = await templates.template_names(session, user.user_id)
    added_templates = 0
    for template in starters.in_voice(chosen.templates, voice):
        if template.template_name in have:
            continue
        await templates.create_template(
            session,
            user.user_id,
            template_type=template.template_type,
            name=template.template_name,
            content=template.template_content,
            variables=template.variables,
        )
        have.add(template.template_name)
        added_templates += 1
    return Copied(added_scripts, added_templates, voice)
