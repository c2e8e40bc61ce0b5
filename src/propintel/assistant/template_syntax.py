"""The syntax of AI call templates: ``{{ variable }}`` placeholders in plain text.

- A placeholder is ``{{``, a snake_case name (``owner_first_name``), ``}}``; spaces inside are
  allowed (``{{ address }}`` is ``{{address}}``).
- Braces must balance: a ``{{`` that is never closed, a ``}}`` that closes nothing, or a brace
  inside a placeholder is refused with a message saying where.
- A single ``{`` or ``}`` is plain text. A backslash makes the next brace or backslash plain text
  (``\\{\\{ literal \\}\\}``); ``escape`` writes any text so that it renders as itself.

Pure functions, no I/O; the property tests in tests/assistant/test_templates_syntax.py hold them
to this."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from propintel.kit.errors import Invalid
from propintel.kit.i18n import _

NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_ESCAPABLE = "{}\\"


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Variable:
    name: str


Part = Text | Variable


def is_name(value: str) -> bool:
    """A snake_case identifier: lower-case letters and digits, single underscores between."""
    return NAME.fullmatch(value) is not None


def _error(message: str, field: str) -> Invalid:
    return Invalid(message, field=field)


def parse(content: str, *, field: str = "template_content") -> list[Part]:
    """The text and placeholders of ``content``, adjacent text joined (``Invalid`` on ``field``
    when the braces do not balance or a placeholder's name is not snake_case)."""
    parts: list[Part] = []
    text: list[str] = []
    i, n = 0, len(content)
    while i < n:
        char = content[i]
        if char == "\\" and i + 1 < n and content[i + 1] in _ESCAPABLE:
            text.append(content[i + 1])
            i += 2
        elif content.startswith("{{", i):
            end = content.find("}}", i + 2)
            if end < 0:
                raise _error(
                    _("A {opening} is not closed (at character {position}).").format(
                        opening="{{", position=i + 1
                    ),
                    field,
                )
            inner = content[i + 2 : end]
            if "{" in inner or "}" in inner:
                raise _error(
                    _("A brace inside a variable (at character {position}).").format(
                        position=i + 1
                    ),
                    field,
                )
            name = inner.strip()
            if not is_name(name):
                raise _error(
                    _(
                        "Not a variable name: {placeholder} (use lower-case letters, digits "
                        "and underscores, like {example})."
                    ).format(placeholder="{{" + inner + "}}", example="{{owner_first_name}}"),
                    field,
                )
            if text:
                parts.append(Text("".join(text)))
                text = []
            parts.append(Variable(name))
            i = end + 2
        elif content.startswith("}}", i):
            raise _error(
                _("A {closing} closes nothing (at character {position}).").format(
                    closing="}}", position=i + 1
                ),
                field,
            )
        else:
            text.append(char)
            i += 1
    if text:
        parts.append(Text("".join(text)))
    return parts


def used_variables(content: str, *, field: str = "template_content") -> list[str]:
    """The names ``content`` uses, in order of first use, once each."""
    names: list[str] = []
    for part in parse(content, field=field):
        if isinstance(part, Variable) and part.name not in names:
            names.append(part.name)
    return names


def render(content: str, values: Mapping[str, str]) -> str:
    """``content`` with its placeholders filled in (a name without a value is refused)."""
    out: list[str] = []
    for part in parse(content):
        if isinstance(part, Text):
            out.append(part.text)
        elif part.name in values:
            out.append(values[part.name])
        else:
            raise Invalid(
                _("No value for {placeholder}.").format(placeholder="{{" + part.name + "}}"),
                field="template_content",
            )
    return "".join(out)


def escape(text: str) -> str:
    """``text`` written so that it parses as plain text, itself."""
    return "".join("\\" + char if char in _ESCAPABLE else char for char in text)
