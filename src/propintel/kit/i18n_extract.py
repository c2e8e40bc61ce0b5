"""Every translatable text of the application, as the code and templates mark it, and the checks
a catalog must pass: used by ``make messages`` (writes ``locales/messages.pot``) and by the test
that fails when a text has no Spanish translation (tests/kit/test_translations.py).

Templates (``**/templates/**.html`` and ``.txt``) are read with jinja2's extractor (``_()``,
``gettext``, ``ngettext``, ``{% trans %}``); Python modules with Babel's, for the keywords ``_``,
``N_``, ``gettext`` and ``ngettext``. A call on a variable (``_(label)``) yields nothing: its texts
are marked where they are defined, with ``N_``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent
POT_FILE = PACKAGE_DIR / "locales" / "messages.pot"

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
