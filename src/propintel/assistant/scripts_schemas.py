"""The JSON shapes of scripts and AI call templates (``/api/v1/assistant/scripts``,
``/api/v1/assistant/templates``)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from propintel.assistant.scripts import CONTENT_MAX, NAME_MAX, ScriptRow
from propintel.assistant.templates import TemplateRow
from propintel.kit.clock import NewYorkDatetime

_TYPES = "cold_call, email, sms, voicemail or chat."
_VARIABLES = "May use {owner_first_name}, {address} and {business_name}; no other {…}."


class ScriptIn(BaseModel):
    script_type: str = Field(description=_TYPES)
    name: str = Field(max_length=NAME_MAX * 2, description="At most 255 characters once trimmed.")
    content: str = Field(max_length=CONTENT_MAX * 2, description=_VARIABLES)
    is_active: bool = True


class ScriptPatch(BaseModel):
    script_type: str | None = Field(default=None, description=_TYPES)
    name: str | None = Field(default=None, max_length=NAME_MAX * 2)
    content: str | None = Field(default=None, max_length=CONTENT_MAX * 2, description=_VARIABLES)
    is_active: bool | None = None


class ScriptOut(BaseModel):
    script_id: uuid.UUID
    script_type: str
    name: str
    content: str
    is_active: bool
    use_count: int = Field(description="Kept by the code that uses the script (an SMS sent…).")
    created_at: NewYorkDatetime | None
    last_used_at: NewYorkDatetime | None

    @classmethod
    def of(cls, row: ScriptRow) -> ScriptOut:
        return cls(
            script_id=row.script_id,
            script_type=row.script_type,
            name=row.script_name,
            content=row.script_content,
            is_active=row.is_active,
            use_count=row.use_count,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
        )


_TEMPLATE_TYPES = "intro, follow_up, voicemail or appointment."
_TEMPLATE_CONTENT = (
    "Text with {{variables}} (spaces inside allowed; \\{ and \\} for literal braces)."
)
_DECLARED = (
    "Exactly the variables the content uses, among owner_first_name, owner_last_name, address, "
    "city, business_name, agent_name, appointment_time, callback_number."
)


class TemplateIn(BaseModel):
    template_type: str = Field(description=_TEMPLATE_TYPES)
    name: str = Field(max_length=NAME_MAX * 2)
    content: str = Field(max_length=CONTENT_MAX * 2, description=_TEMPLATE_CONTENT)
    variables: list[str] = Field(default_factory=list, max_length=50, description=_DECLARED)


class TemplatePatch(BaseModel):
    template_type: str | None = Field(default=None, description=_TEMPLATE_TYPES)
    name: str | None = Field(default=None, max_length=NAME_MAX * 2)
    content: str | None = Field(default=None, max_length=CONTENT_MAX * 2)
    variables: list[str] | None = Field(default=None, max_length=50, description=_DECLARED)


class TemplateOut(BaseModel):
    template_id: uuid.UUID
    template_type: str | None
    name: str
    content: str
    variables: list[str]
    created_at: NewYorkDatetime | None

    @classmethod
    def of(cls, row: TemplateRow) -> TemplateOut:
        return cls(
            template_id=row.template_id,
            template_type=row.template_type,
            name=row.template_name,
            content=row.template_content,
            variables=row.variables,
            created_at=row.created_at,
        )
