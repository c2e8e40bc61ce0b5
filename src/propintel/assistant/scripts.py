"""The subscriber's scripts (cold call, e-mail, SMS, voicemail, chat): create, edit, list by keyset
pages, delete; and, for the domains that use them (outreach), the active scripts of a type and the
use counter (``use_count`` / ``last_used_at`` are kept only by ``mark_script_used``, never by the
form). Content may use the variables outreach fills; any other ``{…}`` is refused on save, naming
it. Flushes, never commits (docs/assistant.md)."""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant.scripts_repository import ScriptRow, ScriptsRepository
from propintel.kit.errors import Invalid, NotFound
from propintel.kit.i18n import N_, _
from propintel.kit.pagination import KeyPart, Listing, fingerprint

__all__ = ["ScriptRow"]

NAME_MAX = 255
CONTENT_MAX = 20_000
VARIABLES = ("owner_first_name", "address", "business_name")
SCRIPTS = Listing("assistant_scripts", (KeyPart.TEXT, KeyPart.UUID))
_BRACED = re.compile(r"\{([^{}]*)\}")


class ScriptType(enum.StrEnum):
    COLD_CALL = "cold_call"
    EMAIL = "email"
    SMS = "sms"
    VOICEMAIL = "voicemail"
    CHAT = "chat"

    @property
    def label(self) -> str:
        return _(_LABELS[self])


_LABELS = {
    ScriptType.COLD_CALL: N_("Cold call"),
    ScriptType.EMAIL: N_("E-mail"),
    ScriptType.SMS: N_("Text message (SMS)"),
    ScriptType.VOICEMAIL: N_("Voicemail"),
    ScriptType.CHAT: N_("Chat"),
}


def type_label(value: str) -> str:
    return ScriptType(value).label if value in ScriptType._value2member_map_ else value


@dataclass(frozen=True)
class ScriptRef:
    """An active script as other domains use it."""

    script_id: uuid.UUID
    name: str
    content: str


class ScriptNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such script."))


def unknown_variables(content: str) -> list[str]:
    """Every ``{…}`` in ``content`` that is not a known variable, in order, once each."""
    found: list[str] = []
    for match in _BRACED.finditer(content):
        if match.group(1) not in VARIABLES and match.group(0) not in found:
            found.append(match.group(0))
    return found


def _type(value: str) -> ScriptType:
    if value not in ScriptType._value2member_map_:
        raise Invalid(_("Choose a script type."), field="script_type")
    return ScriptType(value)


def _name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise Invalid(_("Give the script a name."), field="script_name")
    if len(name) > NAME_MAX:
        raise Invalid(
            _("The name is too long ({max} characters at most).").format(max=NAME_MAX),
            field="script_name",
        )
    return name


def _content(value: str) -> str:
    content = value.strip().replace("\r\n", "\n")
    if not content:
        raise Invalid(_("Write the script's text."), field="script_content")
    if len(content) > CONTENT_MAX:
        raise Invalid(
            _("The text is too long ({max} characters at most).").format(max=CONTENT_MAX),
            field="script_content",
        )
    unknown = unknown_variables(content)
    if unknown:
        raise Invalid(
            _("Unknown variables: {names}. Use {variables}.").format(
                names=", ".join(unknown), variables=", ".join("{" + v + "}" for v in VARIABLES)
            ),
            field="script_content",
        )
    return content


async def scripts_page(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None = None,
    script_type: str | None = None,
    active: bool | None = None,
) -> tuple[list[ScriptRow], str | None]:
    """The subscriber's scripts by name; ``script_type`` / ``active`` filter."""
    script_type = _type(script_type).value if script_type else None
    bound = fingerprint({"type": script_type, "active": active})
    after = SCRIPTS.decode_optional(cursor, bound_to=bound)
    rows = await ScriptsRepository.from_session(session).page(
        user_id, after, limit + 1, script_type=script_type, active=active
    )
    return SCRIPTS.page(rows, limit, lambda r: (r.script_name, r.script_id), bound_to=bound)


async def script(session: AsyncSession, user_id: uuid.UUID, script_id: uuid.UUID) -> ScriptRow:
    """One of the subscriber's scripts (``ScriptNotFound`` for another's or none)."""
    row = await ScriptsRepository.from_session(session).get(user_id, script_id)
    if row is None:
        raise ScriptNotFound()
    return row


async def create_script(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    script_type: str,
    name: str,
    content: str,
    active: bool = True,
) -> ScriptRow:
    kind, clean_name, clean_content = _type(script_type), _name(name), _content(content)
    repo = ScriptsRepository.from_session(session)
    script_id = await repo.add(
        user_id,
        script_type=kind.value,
        script_name=clean_name,
        script_content=clean_content,
        is_active=active,
    )
    return await script(session, user_id, script_id)


async def update_script(
    session: AsyncSession,
    user_id: uuid.UUID,
    script_id: uuid.UUID,
    *,
    script_type: str | None = None,
    name: str | None = None,
    content: str | None = None,
    active: bool | None = None,
) -> ScriptRow:
    """Change the given fields (``None``: unchanged); never the use counter."""
    values: dict[str, Any] = {}
    if script_type is not None:
        values["script_type"] = _type(script_type).value
    if name is not None:
        values["script_name"] = _name(name)
    if content is not None:
        values["script_content"] = _content(content)
    if active is not None:
        values["is_active"] = active
    repo = ScriptsRepository.from_session(session)
    if values and not await repo.change(user_id, script_id, values):
        raise ScriptNotFound()
    return await script(session, user_id, script_id)


async def delete_script(session: AsyncSession, user_id: uuid.UUID, script_id: uuid.UUID) -> None:
    if not await ScriptsRepository.from_session(session).remove(user_id, script_id):
        raise ScriptNotFound()


async def script_names(session: AsyncSession, user_id: uuid.UUID) -> set[str]:
    return await ScriptsRepository.from_session(session).names(user_id)


# ---- for other domains ----------------------------------------------------------------------


async def active_scripts(
    session: AsyncSession,
    user_id: uuid.UUID,
    script_type: str,
    *,
    most_used_first: bool = False,
    limit: int | None = None,
) -> list[ScriptRef]:
    """The subscriber's active scripts of ``script_type``, by name (or the most used first)."""
    rows = await ScriptsRepository.from_session(session).active(
        user_id, script_type, most_used_first=most_used_first, limit=limit
    )
    return [ScriptRef(*row) for row in rows]


async def active_script(
    session: AsyncSession, user_id: uuid.UUID, script_type: str, script_id: uuid.UUID
) -> ScriptRef | None:
    """One of the subscriber's active scripts of ``script_type`` (None otherwise)."""
    row = await ScriptsRepository.from_session(session).active_one(user_id, script_type, script_id)
    return ScriptRef(*row) if row else None


async def mark_script_used(
    session: AsyncSession, user_id: uuid.UUID, script_id: uuid.UUID, now: datetime
) -> None:
    """Count one use of the subscriber's script (nothing for another's)."""
    await ScriptsRepository.from_session(session).mark_used(user_id, script_id, now)
