"""What other domains use of the assistant (outreach offers the subscriber's active scripts and
counts their use; voice speaks its call templates and answers callers' questions). Pages and API
of the assistant use its modules directly."""

from __future__ import annotations

from propintel.assistant.scripts import (
    ScriptRef,
    active_script,
    active_scripts,
    mark_script_used,
)
from propintel.assistant.template_syntax import render as render_template
from propintel.assistant.templates import TemplateRow, TemplateType, template, templates_of_types
from propintel.assistant.voice_answers import SpokenAnswer, spoken, spoken_answer

__all__ = [
    "ScriptRef",
    "SpokenAnswer",
    "TemplateRow",
    "TemplateType",
    "active_script",
    "active_scripts",
    "mark_script_used",
    "render_template",
    "spoken",
    "spoken_answer",
    "template",
    "templates_of_types",
]
