"""The call-template parser, held to its rules by properties: placeholders with or without inner
spaces, balanced braces, escaping, single braces as text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propintel.assistant import template_syntax as syntax
from propintel.kit.errors import Invalid

names = st.from_regex(syntax.NAME, fullmatch=True).filter(lambda n: len(n) <= 40)
# text without braces or backslashes
plain = st.text(st.characters(blacklist_characters="{}\\", codec="utf-8"))
spaces = st.text(" \t", max_size=3)


@given(st.lists(st.tuples(plain, names, spaces, spaces), max_size=6), plain)
def test_placeholders_are_found_with_any_inner_spaces(
    pieces: list[tuple[str, str, str, str]], tail: str
) -> None:
    content = "".join(f"{text}{{{{{left}{name}{right}}}}}" for text, name, left, right in pieces)
    content += tail
    expected = list(dict.fromkeys(name for _, name, _, _ in pieces))
    assert syntax.used_variables(content) == expected
    values = {name: f"<{name}>" for name in expected}
    rendered = syntax.render(content, values)
    assert rendered == "".join(f"{t}<{n}>" for t, n, _, _ in pieces) + tail


@given(st.text())
def test_escaped_text_renders_as_itself(text: str) -> None:
    escaped = syntax.escape(text)
    assert syntax.used_variables(escaped) == []
    assert syntax.render(escaped, {}) == text


@given(plain, names, plain)
def test_an_unclosed_placeholder_is_refused(before: str, name: str, after: str) -> None:
    with pytest.raises(Invalid) as refused:
        syntax.parse(before + "{{" + name + after)
    assert refused.value.field == "template_content"
    assert f"character {len(before) + 1}" in str(refused.value)


@given(plain, names, plain)
def test_a_closing_without_opening_is_refused(before: str, name: str, after: str) -> None:
    with pytest.raises(Invalid):
        syntax.parse(before + name + "}}" + after)


@given(plain, names)
def test_single_braces_are_text(text: str, name: str) -> None:
    content = f"{text}{{{name}}} and }} {{ {{{{{name}}}}}"
    assert syntax.used_variables(content) == [name]
    assert syntax.render(content, {name: "X"}) == f"{text}{{{name}}} and }} {{ X"


@pytest.mark.parametrize(
    "content",
    ["{{ Owner }}", "{{first-name}}", "{{}}", "{{ 1st }}", "{{a__b}}", "{{ {x} }}", "{{a b}}"],
)
def test_malformed_placeholders_are_refused(content: str) -> None:
    with pytest.raises(Invalid):
        syntax.parse(content)


def test_escapes() -> None:
    assert syntax.render(r"\{\{ not_a_variable \}\} and \\", {}) == "{{ not_a_variable }} and \\"
    assert syntax.used_variables(r"\{{{x}}") == ["x"]  # '{' then the placeholder
    assert syntax.render(r"C:\path", {}) == r"C:\path"  # a lone backslash stays


def test_a_missing_value_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        syntax.render("Hi {{ owner_first_name }}", {})
    assert "{{owner_first_name}}" in str(refused.value)
