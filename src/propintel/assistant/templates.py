"""The subscriber's AI call templates (intro, follow-up, voicemail, appointment): content with
``{{variables}}`` (template_syntax) and the declared ``variables`` list. On save, the declared list
must match the content exactly, every name must be snake_case and one of ``ALLOWED``; each refusal
names the variables at fault. Keyset pages by name; another subscriber's template is not found.
Flushes, never commits (docs/assistant.md)."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import template_syntax
from propintel.assistant.templates_repository import TemplateRow, TemplatesRepository
from propintel.kit.errors import Invalid, NotFound
from propintel.kit.i18n import N_, _
from propintel.kit.pagination import KeyPart, Listing, fingerprint

__all__ = ["TemplateRow"]

NAME_MAX = 255
CONTENT_MAX = 20_000
ALLOWED = (
    "owner_first_name",
    "owner_last_name",
    "address",
    "city",
    "business_name",
    "agent_name",
    "appointment_time",
    "callback_number",
)
TEMPLATES = Listing("assistant_templates", (KeyPart.TEXT, KeyPart.UUID))


class TemplateType(enum.StrEnum):
    INTRO = "intro"
    FOLLOW_UP = "follow_up"
    VOICEMAIL = "voicemail"
    APPOINTMENT = "appointment"

    @property
    def label(self) -> str:
        return _(_LABELS[self])


_LABELS = {
    TemplateType.INTRO: N_("Introduction"),
    TemplateType.FOLLOW_UP: N_("Follow-up"),
    TemplateType.VOICEMAIL: N_("Voicemail"),
    TemplateType.APPOINTMENT: N_("Appointment"),
}


def type_label(value: str | None) -> str:
    if value is not None and value in TemplateType._value2member_map_:
        return TemplateType(value).label
    return value or ""


class TemplateNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such call template."))


@dataclass(frozen=True)
class Checked:
    content: str
    variables: list[str]


def _braced(names: Iterable[str]) -> str:
    return ", ".join("{{" + name + "}}" for name in names)


def split_variables(text: str) -> list[str]:
    """A form's variables field (commas, spaces or new lines between names; braces optional)."""
    cleaned = text.replace("{", " ").replace("}", " ").replace(",", " ")
    return cleaned.split()


def check(content: str, declared: Iterable[str]) -> Checked:
    """``content`` and its declared variables, validated (``Invalid`` naming the culprits)."""
    content = content.strip().replace("\r\n", "\n")
    if not content:
        raise Invalid(_("Write the template's text."), field="template_content")
    if len(content) > CONTENT_MAX:
        raise Invalid(
            _("The text is too long ({max} characters at most).").format(max=CONTENT_MAX),
            field="template_content",
        )
    names: list[str] = []
    for raw in declared:
        name = raw.strip()
        if name and name not in names:
            names.append(name)
    malformed = [name for name in names if not template_syntax.is_name(name)]
    if malformed:
        raise Invalid(
            _("Not variable names: {names} (use snake_case, like owner_first_name).").format(
                names=", ".join(malformed)
            ),
            field="variables",
        )
    used = template_syntax.used_variables(content)
    unknown = [name for name in [*used, *names] if name not in ALLOWED]
    if unknown:
        raise Invalid(
            _("Unknown variables: {names}. Use {allowed}.").format(
                names=_braced(dict.fromkeys(unknown)), allowed=_braced(ALLOWED)
            ),
            field="template_content" if set(unknown) & set(used) else "variables",
        )
    undeclared = [name for name in used if name not in names]
    if undeclared:
        raise Invalid(
            _("Used in the text but not declared: {names}.").format(names=_braced(undeclared)),
            field="variables",
        )
    unused = [name for name in names if name not in used]
    if unused:
        raise Invalid(
            _("Declared but not used in the text: {names}.").format(names=_braced(unused)),
            field="variables",
        )
    return Checked(content, names)


def _type(value: str) -> TemplateType:
    if value not in TemplateType._value2member_map_:
        raise Invalid(_("Choose a template type."), field="template_type")
    return TemplateType(value)


def _name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise Invalid(_("Give the template a name."), field="template_name")
    if len(name) > NAME_MAX:
        raise Invalid(
            _("The name is too long ({max} characters at most).").format(max=NAME_MAX),
            field="template_name",
        )
    return name


async def templates_page(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None = None,
    template_type: str | None = None,
) -> tuple[list[TemplateRow], str | None]:
    """The subscriber's call templates by name; ``template_type`` filters."""
    kind = _type(template_type).value if template_type else None
    bound = fingerprint({"type": kind})
    after = TEMPLATES.decode_optional(cursor, bound_to=bound)
    rows = await TemplatesRepository.from_session(session).page(
        user_id, after, limit + 1, template_type=kind
    )
    return TEMPLATES.page(rows, limit, lambda r: (r.template_name, r.template_id), bound_to=bound)


async def template(
    session: AsyncSession, user_id: uuid.UUID, template_id: uuid.UUID
) -> TemplateRow:
    row = await TemplatesRepository.from_session(session).get(user_id, template_id)
    if row is None:
        raise TemplateNotFound()
    return row


async def create_template(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    template_type: str,
    name: str,
    content: str,
    variables: Iterable[str],
) -> TemplateRow:
    kind, clean_name = _type(template_type), _name(name)
    checked = check(content, variables)
    template_id = await TemplatesRepository.from_session(session).add(
        user_id,
        {
            "template_type": kind.value,
            "template_name": clean_name,
            "template_content": checked.content,
            "variables": checked.variables,
        },
    )
    return await template(session, user_id, template_id)


async def update_template(
    session: AsyncSession,
    user_id: uuid.UUID,
    template_id: uuid.UUID,
    *,
    template_type: str | None = None,
    name: str | None = None,
    content: str | None = None,
    variables: Iterable[str] | None = None,
) -> TemplateRow:
    """Change the given fields (``None``: unchanged); content and variables are checked together
    (the stored one stands in for the one not given)."""
    current = await template(session, user_id, template_id)
    values: dict[str, Any] = {}
    if template_type is not None:
        values["template_type"] = _type(template_type).value
    if name is not None:
        values["template_name"] = _name(name)
    if content is not None or variables is not None:
        checked = check(
            current.template_content if content is None else content,
            current.variables if variables is None else variables,
        )
        values["template_content"] = checked.content
        values["variables"] = checked.variables
    if values and not await TemplatesRepository.from_session(session).change(
        user_id, template_id, values
    ):
        raise TemplateNotFound()
    return await template(session, user_id, template_id)


async def delete_template(
    session: AsyncSession, user_id: uuid.UUID, template_id: uuid.UUID
) -> None:
    if not await TemplatesRepository.from_session(session).remove(user_id, template_id):
        raise TemplateNotFound()


async def template_names(session: AsyncSession, user_id: uuid.UUID) -> set[str]:
    return await TemplatesRepository.from_session(session).names(user_id)


async def templates_of_types(
    session: AsyncSession, user_id: uuid.UUID, types: Iterable[TemplateType], *, limit: int = 100
) -> list[TemplateRow]:
    """The subscriber's call templates of these types, by name (the choices of a call form)."""
    wanted = {kind.value for kind in types}
    rows = await TemplatesRepository.from_session(session).page(user_id, None, limit)
    return [row for row in rows if row.template_type in wanted]
