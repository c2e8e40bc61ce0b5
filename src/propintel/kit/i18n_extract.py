"""Every translatable text of the application, as the code and templates mark it, and the checks
a catalog must pass: used by ``make messages`` (writes ``locales/messages.pot``) and by the test
that fails when a text has no Spanish translation (tests/kit/test_translations.py).

Templates (``**/templates/**.html`` and ``.txt``) are read with jinja2's extractor (``_()``,
``gettext``, ``ngettext``, ``{% trans %}``); Python modules with Babel's, for the keywords ``_``,
``N_``, ``gettext`` and ``ngettext``. A call on a variable (``_(label)``) yields nothing: its texts
are marked where they are defined, with ``N_``. Text a template shows without marking it at all has
no id to look up: ``bare_template_texts`` finds it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent
POT_FILE = PACKAGE_DIR / "locales" / "messages.pot"
REPO_DIR = PACKAGE_DIR.parent.parent  # paths are shown from here: src/propintel/…

METHOD_MAP = [
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**/templates/**.txt", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]
OPTIONS_MAP = {
    "**/templates/**.html": {"extensions": "jinja2.ext.i18n"},
    "**/templates/**.txt": {"extensions": "jinja2.ext.i18n"},
}
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
}

_PERCENT_NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")
_BRACES_NAMED = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")


@dataclass
class Extracted:
    """One message id (its plural when it has one) and where it is used."""

    msgid: str
    plural: str | None = None
    locations: list[tuple[str, int]] = field(default_factory=list)

    def where(self) -> str:
        return ", ".join(f"{path}:{line}" for path, line in self.locations)


def _searched(directory: str) -> bool:
    name = Path(directory).name
    return not name.startswith((".", "__")) and name != "static"


def extract_messages(root: Path = PACKAGE_DIR) -> dict[str, Extracted]:
    """Every message id marked under ``root`` (the ``propintel`` package), by id."""
    found: dict[str, Extracted] = {}
    shown = root.relative_to(root.parent.parent)  # src/propintel, as the repository names it
    for filename, lineno, message, _comments, _context in extract_from_dir(
        root,
        METHOD_MAP,
        OPTIONS_MAP,
        keywords=KEYWORDS,
        directory_filter=_searched,
    ):
        ids = message if isinstance(message, tuple) else (message,)
        if not ids or not ids[0]:
            continue
        msgid = ids[0]
        plural = ids[1] if len(ids) > 1 and ids[1] else None
        entry = found.setdefault(msgid, Extracted(msgid, plural))
        entry.plural = entry.plural or plural
        entry.locations.append((str(shown / filename), lineno))
    return found


def template_catalog(messages: Iterable[Extracted]) -> Catalog:
    """A ``.pot`` catalog (ids only, no translations) of ``messages``."""
    catalog = Catalog(
        header_comment="# Every translatable text of PropIntel, written by `make messages`.",
        project="PropIntel",
        charset="utf-8",
        fuzzy=False,
    )
    for entry in sorted(messages, key=lambda item: item.msgid):
        msgid = (entry.msgid, entry.plural) if entry.plural else entry.msgid
        catalog.add(msgid, locations=entry.locations)
    return catalog


def write_template(path: Path = POT_FILE, root: Path = PACKAGE_DIR) -> int:
    """Write the ``.pot`` file of every message under ``root``; returns how many it holds."""
    messages = extract_messages(root).values()
    catalog = template_catalog(messages)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
    return len(catalog)


def placeholders(text: str) -> set[str]:
    """The named placeholders of a text: ``%(name)s`` (templates, ``ngettext``) and ``{name}``
    (``str.format`` after ``_()``)."""
    names = {f"%({name})" for name in _PERCENT_NAMED.findall(text)}
    return names | {f"{{{name}}}" for name in _BRACES_NAMED.findall(text)}


def translations_of(message: Message) -> list[str]:
    """The msgstr (or each plural form's) of a catalog message."""
    strings = message.string
    if isinstance(strings, (list, tuple)):
        return [str(text or "") for text in strings]
    return [str(strings or "")]


def placeholder_mismatches(message: Message) -> list[str]:
    """How the translation's placeholders differ from the id's, per form ([] when they agree).

    The singular form of a plural message may leave out a placeholder ("un prospecto" for
    "%(num)s lead") but may not bring in one the ids do not have; every other form must have the
    plural id's placeholders exactly."""
    ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
    problems = []
    for index, text in enumerate(translations_of(message)):
        if not text:
            continue
        actual = placeholders(text)
        if len(ids) > 1 and index == 0:
            allowed = placeholders(ids[0]) | placeholders(ids[1])
            if not actual <= allowed:
                problems.append(f"form 0: unknown {sorted(actual - allowed)}")
            continue
        expected = placeholders(ids[min(index, len(ids) - 1)])
        if expected != actual:
            problems.append(f"form {index}: expected {sorted(expected)}, got {sorted(actual)}")
    return problems


def read_catalog_file(path: Path, locale: str) -> Catalog:
    """One ``.po`` file, strictly: a syntax error raises ``babel.messages.pofile.PoFileError``."""
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, abort_invalid=True)


# ---- text a template shows without marking it ---------------------------------------------------

TEMPLATE_DIR = PACKAGE_DIR / "web" / "templates"
# Words a page may show in any language: the product's name, the New York time zone's abbreviation.
UNTRANSLATED_WORDS = frozenset({"PropIntel", "Prop", "Intel", "ET"})
_VISIBLE_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "placeholder", "aria-description"})
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_JINJA_TRANS = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.S)
_JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
_JINJA_STATEMENT = re.compile(r"\{%.*?%\}", re.S)
_ATTRIBUTES_ONLY = re.compile(r'^(\s*[\w:-]+="[^"]*")+\s*$')  # a macro's attribute fragment
_PATH_LIKE = re.compile(r"\S*/\S*")  # a URL or path (/leads/followups, {{ base }}/verify-email)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def _words(text: str) -> list[str]:
    """The words of ``text`` that would need a translation."""
    text = _PATH_LIKE.sub(" ", text.replace(_SLOT, " "))
    return [word for word in _WORD.findall(text) if word not in UNTRANSLATED_WORDS]


_SLOT = "§"  # where an expression or a translated block was (a character valid in a tag)


class _BareText(HTMLParser):
    """Text and visible attributes of a template's markup outside ``{{ }}`` and ``{% trans %}``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._hidden = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in _VISIBLE_ATTRIBUTES and value and _words(value):
                self.found.append((self.getpos()[0], f'{name}="{value}"'))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if self._hidden or _ATTRIBUTES_ONLY.match(data.replace(_SLOT, "")) or not _words(data):
            return
        self.found.append((self.getpos()[0], " ".join(data.replace(_SLOT, "…").split())))


def _blank(replacement: str) -> Callable[[re.Match[str]], str]:
    """A substitution that leaves ``replacement`` and the match's newlines (lines keep their
    numbers)."""
    return lambda match: replacement + "\n" * match.group(0).count("\n")


def bare_template_texts(directory: Path = TEMPLATE_DIR) -> list[str]:
    """``file:line: text`` for each text a template shows as it is written, outside ``_()`` and
    ``{% trans %}``: it would show in English on a Spanish page."""
    found: list[str] = []
    for path in sorted([*directory.rglob("*.html"), *directory.rglob("*.txt")]):
        source = _JINJA_COMMENT.sub(_blank(""), path.read_text(encoding="utf-8"))
        source = _JINJA_TRANS.sub(_blank(_SLOT), source)
        source = _JINJA_EXPRESSION.sub(_blank(_SLOT), source)
        source = _JINJA_STATEMENT.sub(_blank(""), source)
        parser = _BareText()
        parser.feed(source)
        parser.close()
        shown = path.relative_to(REPO_DIR) if path.is_relative_to(REPO_DIR) else path
        found.extend(f"{shown}:{line}: {text!r}" for line, text in parser.found)
    return found
