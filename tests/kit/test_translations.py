"""The Spanish catalog covers every text of the application.

Every message id the templates and the Python code mark (kit.i18n_extract, as ``make messages``
extracts them) must have a non-empty, non-fuzzy Spanish translation in the merged catalog; the
``.po`` files must parse, must not translate one id two ways, and each translation must keep its
id's named placeholders (``%(name)s``, ``{name}``). And no template shows text outside ``_()`` or
``{% trans %}``."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import PoFileError

from propintel.kit import i18n
from propintel.kit.i18n_extract import (
    Extracted,
    bare_template_texts,
    extract_messages,
    placeholder_mismatches,
    placeholders,
    read_catalog_file,
    template_catalog,
    translations_of,
)


@pytest.fixture(scope="module")
def extracted() -> dict[str, Extracted]:
    return extract_messages()


def _messages(path: Path) -> list[Message]:
    return [message for message in read_catalog_file(path, "es") if message.id]


def test_extraction_finds_the_marked_texts(extracted: dict[str, Extracted]) -> None:
    # One of each kind: a template's _(), a template's {% trans %} with a variable, Python's _().
    assert "Skip to content" in extracted
    assert any("%(" in msgid and "templates/" in e.where() for msgid, e in extracted.items())
    assert "Choose English or Spanish." in extracted
    where = extracted["Skip to content"].where()
    assert "src/propintel/web/templates/base.html:" in where


def test_every_text_has_a_spanish_translation(extracted: dict[str, Extracted]) -> None:
    catalog = i18n.read_catalog("es")
    missing = [
        f"{entry.where()}: {msgid!r}"
        for msgid, entry in sorted(extracted.items(), key=lambda item: item[1].where())
        if not i18n.is_translated(catalog.get(msgid))
    ]
    assert not missing, f"{len(missing)} texts without Spanish:\n" + "\n".join(missing)


def test_every_catalog_file_parses() -> None:
    files = i18n.catalog_files("es")
    assert files, "no Spanish catalog"
    broken = []
    for path in files:
        try:
            _messages(path)
        except PoFileError as error:
            broken.append(f"{path.name}: {error}")
    assert not broken, "\n".join(broken)


def test_no_text_is_translated_two_ways() -> None:
    seen: dict[str, tuple[str, list[str]]] = {}
    conflicts = []
    for path in i18n.catalog_files("es"):
        for message in _messages(path):
            key = message.id if isinstance(message.id, str) else message.id[0]
            strings = translations_of(message)
            if not any(strings):
                continue
            if key in seen and seen[key][1] != strings:
                conflicts.append(f"{key!r}: {seen[key][0]} {seen[key][1]} / {path.name} {strings}")
            seen.setdefault(key, (path.name, strings))
    assert not conflicts, "\n".join(conflicts)


def test_translations_keep_their_placeholders() -> None:
    problems = [
        f"{path.name}: {message.id!r}: {'; '.join(mismatches)}"
        for path in i18n.catalog_files("es")
        for message in _messages(path)
        if (mismatches := placeholder_mismatches(message))
    ]
    assert not problems, "\n".join(problems)


def test_the_checks_can_fail(tmp_path: Path) -> None:
    """The checks above on made-up catalogs: each one finds what it is meant to find."""
    po = tmp_path / "broken.po"
    po.write_text('msgid "Hello"\nmsgstr "Hola"\nmsgid\n', encoding="utf-8")
    with pytest.raises(PoFileError):
        read_catalog_file(po, "es")
    assert not i18n.is_translated(Message("Hello", ""))
    assert not i18n.is_translated(Message("Hello", "Hola", flags=["fuzzy"]))
    assert not i18n.is_translated(Message(("%(n)s lead", "%(n)s leads"), ("un prospecto", "")))
    assert i18n.is_translated(Message("Hello", "Hola"))
    assert placeholder_mismatches(Message("Hi %(name)s", "Hola %(nombre)s"))
    assert placeholder_mismatches(Message("{count} saved", "guardados"))
    assert not placeholder_mismatches(Message("{count} saved", "{count} guardados"))
    # A singular form may drop the count; the plural may not.
    plural = Message(("%(num)s lead", "%(num)s leads"), ("un prospecto", "%(num)s prospectos"))
    assert not placeholder_mismatches(plural)
    wrong = Message(("%(num)s lead", "%(num)s leads"), ("un prospecto", "prospectos"))
    assert placeholder_mismatches(wrong)
    assert placeholders("%(a)s and %(b)d, {c} {d:,} {{literal}}") == {
        "%(a)",
        "%(b)",
        "{c}",
        "{d}",
    }


def test_the_template_catalog_lists_each_text_once(extracted: dict[str, Extracted]) -> None:
    catalog = template_catalog(extracted.values())
    assert len(catalog) == len(extracted)
    message = catalog.get("Skip to content")
    assert message is not None and not message.string


def test_templates_show_no_text_outside_translations() -> None:
    """Text written straight into a template (not in ``_()`` or ``{% trans %}``) has no id at all,
    so the catalog test cannot see it: it would show in English on a Spanish page."""
    bare = bare_template_texts()
    assert not bare, f"{len(bare)} template texts outside _() or trans:\n" + "\n".join(bare)


def test_bare_template_text_is_found(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        '{% extends "base.html" %}{# a comment #}\n'
        "<h1>{{ _('Fine') }}</h1>\n"
        '<p>{% trans %}Also <a href="/x">fine</a>{% endtrans %} PropIntel · ET</p>\n'
        '<p title="Not translated">Bare words</p>\n'
        '<input {% if e %}aria-invalid="true"{% endif %} {{ attrs }} value="{{ v }}">\n'
        "<script>const words = 'in code';</script><a href=\"/leads/followups\">{{ _('x') }}</a>\n",
        encoding="utf-8",
    )
    (tmp_path / "mail.txt").write_text("{{ _('Hi') }}\n\n{{ base }}/verify-email\nThanks\n")
    found = bare_template_texts(tmp_path)
    assert len(found) == 3, found
    assert "mail.txt:" in found[0] and found[0].endswith("Thanks'")
    assert found[1].endswith("page.html:4: 'title=\"Not translated\"'")
    assert found[2].endswith("page.html:4: 'Bare words'")
