"""One set-based matcher from staged source rows to ``properties``, shared by every signal and
FSBO importer.

A staging table that includes ``MATCH_COLUMNS`` carries the keys a source offers (``folio``,
``address_key`` + ``zip_code``, ``legal_key``, ``owner_key``); ``match_staged`` fills
``property_id`` and ``match_method`` with one ``UPDATE … FROM properties`` per method, in priority
order, each only for rows still unmatched:

1. ``folio``   — the 13-digit folio.
2. ``address`` — the full street key (``normalize_street``, unit included).
3. ``street``  — the street key without its unit; only when the street names exactly one property
   and the two do not carry different units (unit 101 never matches unit 102).
4. ``legal``   — the legal description key (``legal_key``).
5. ``owner``   — the owner name key (``owner_key``).

Every method matches only when exactly one property has the key: several properties sharing an
address, legal description or owner name leave the row unmatched, with a note saying so. When the
row has a zip code, address and street matches also require the property's zip (when it has one)
to agree: the street grid repeats in Homestead, Miami Beach and other municipalities.

The property side of ``legal`` and ``owner`` is stored: ``properties.legal_key`` and
``properties.owner_key`` (revision 0011, btree-indexed), written by every importer that writes
``legal_description`` or ``owner_name`` with the Python ``legal_key`` / ``owner_key`` of the value
it stores (``STORED_KEYS``). ``legal_key_sql`` / ``owner_key_sql`` compute the same keys in SQL;
both are built from the same constants, so the two agree by construction (tested on awkward and
random input). Revision 0011 backfilled the columns with a copy of that SQL, written out in the
migration: changing a key here changes nothing already stored, so it needs a new migration that
recomputes both columns. Stored rather than expression-indexed: an expression index is re-evaluated
on every non-HOT update of a property, score refreshes included.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import psycopg
from psycopg import sql

# Latin-1 accented letters fold to ASCII before anything else ("MUÑOZ" == "MUNOZ"); what is left
# outside [A-Za-z0-9] collapses to one space. Both sides use these exact strings.
_ACCENTED: Final = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ"
_PLAIN: Final = "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy"
_NOT_ALNUM: Final = "[^A-Za-z0-9]+"
# Estate markers are not part of the name: "EST OF GARCIA MARIA" is GARCIA MARIA's property.
_ESTATE_MARKERS: Final = "^(THE )?(EST|ESTATE) OF | (EST|ESTATE|DECEASED|DECD)$"

_FOLD: Final = str.maketrans(_ACCENTED, _PLAIN)
_NOT_ALNUM_RE: Final = re.compile(_NOT_ALNUM)
_ESTATE_MARKERS_RE: Final = re.compile(_ESTATE_MARKERS)

MATCH_METHODS: Final = ("folio", "address", "street", "legal", "owner")
MATCH_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("folio", "text"),
    ("address_key", "text"),
    ("zip_code", "text"),
    ("legal_key", "text"),
    ("owner_key", "text"),
    ("property_id", "uuid"),
    ("match_method", "text"),
    ("match_note", "text"),
)


def text_key(raw: str | None) -> str | None:
    """Upper-case ASCII words of ``raw``: accents folded, punctuation and whitespace collapsed to
    one space, trimmed; None when nothing is left."""
    if raw is None:
        return None
    folded = raw if raw.isascii() else raw.translate(_FOLD)  # only non-ASCII letters fold
    key = _NOT_ALNUM_RE.sub(" ", folded).strip().upper()
    return key or None


def legal_key(raw: str | None) -> str | None:
    """The comparable form of a legal description (``legal_key_sql`` computes the same)."""
    return text_key(raw)


def owner_key(raw: str | None) -> str | None:
    """The comparable form of an owner or party name, estate markers removed
    (``owner_key_sql`` computes the same)."""
    key = text_key(raw)
    return _ESTATE_MARKERS_RE.sub("", key) or None if key else None


# The property columns whose key is stored, and the key's column: an importer that nulls such a
# value (too long for its column) nulls its key too.
STORED_KEYS: Final = {"legal_description": "legal_key", "owner_name": "owner_key"}


def _text_key_sql(column: sql.Composable) -> sql.Composed:
    # COLLATE "C": upper() touches ASCII only, whatever the server's locale.
    return sql.SQL(
        "NULLIF(upper(btrim(regexp_replace(translate({}, {}, {}), {}, ' ', 'g')) {}), '')"
    ).format(
        column,
        sql.Literal(_ACCENTED),
        sql.Literal(_PLAIN),
        sql.Literal(_NOT_ALNUM),
        sql.SQL('COLLATE "C"'),
    )


def legal_key_sql(column: sql.Composable) -> sql.Composed:
    """SQL computing ``legal_key`` of ``column``."""
    return _text_key_sql(column)


def owner_key_sql(column: sql.Composable) -> sql.Composed:
    """SQL computing ``owner_key`` of ``column``."""
    return sql.SQL("NULLIF(regexp_replace({}, {}, '', 'g'), '')").format(
        _text_key_sql(column), sql.Literal(_ESTATE_MARKERS)
    )


@dataclass(frozen=True)
class _Method:
    name: str
    what: str  # for the ambiguity note: "N properties share the <what>"
    staged_key: sql.Composable  # over staging alias s
    property_key: sql.Composable  # over properties alias p; indexable
    by_zip: bool = False
    accept: str = "TRUE"  # SQL: an extra condition on a unique hit h
    refused: str | None = None  # the note when a unique hit fails ``accept``


_STREET_OF_STAGED = sql.SQL("NULLIF(split_part(s.address_key, ' UNIT ', 1), '')")
_METHODS: Final = {
    method.name: method
    for method in (
        _Method("folio", "folio", sql.SQL("s.folio"), sql.SQL("p.folio_number")),
        _Method(
            "address", "address", sql.SQL("s.address_key"), sql.SQL("p.address_key"), by_zip=True
        ),
        _Method(
            "street",
            "street address",
            _STREET_OF_STAGED,
            sql.SQL("split_part(p.address_key, ' UNIT ', 1)"),
            by_zip=True,
            accept="(strpos(s.address_key, ' UNIT ') = 0 OR strpos(h.address_key, ' UNIT ') = 0)",
            refused="only property at the street address has another unit",
        ),
        _Method(
            "legal",
            "legal description",
            sql.SQL("s.legal_key"),
            sql.SQL("p.legal_key"),
        ),
        _Method("owner", "owner name", sql.SQL("s.owner_key"), sql.SQL("p.owner_key")),
    )
}

_ZIP_AGREES = sql.SQL("AND (k.zip IS NULL OR p.zip_code IS NULL OR left(p.zip_code, 5) = k.zip)")

# Distinct keys of the rows still unmatched -> the properties having each key -> unique hits.
_MATCH_SQL = """
WITH keys AS (
  SELECT DISTINCT {staged_key} AS key, {zip} AS zip FROM {staging} s
  WHERE s.reject_reason IS NULL AND s.property_id IS NULL AND {staged_key} IS NOT NULL
), hits AS (
  SELECT k.key, k.zip, count(*) AS n, (array_agg(p.property_id))[1] AS property_id,
         (array_agg(p.address_key))[1] AS address_key
  FROM keys k JOIN properties p ON {property_key} = k.key {zip_agrees}
  GROUP BY k.key, k.zip
)
UPDATE {staging} s SET
  property_id = CASE WHEN h.n = 1 AND {accept} THEN h.property_id END,
  match_method = CASE WHEN h.n = 1 AND {accept} THEN {method} END,
  match_note = COALESCE(s.match_note,
    CASE WHEN h.n > 1 THEN h.n || ' properties share the ' || {what}
         WHEN NOT {accept} THEN {refused} END)
FROM hits h
WHERE {staged_key} = h.key AND {zip} IS NOT DISTINCT FROM h.zip
  AND s.reject_reason IS NULL AND s.property_id IS NULL
"""


def _match_statement(staging: sql.Identifier, method: _Method) -> sql.Composed:
    return sql.SQL(_MATCH_SQL).format(
        staging=staging,
        staged_key=method.staged_key,
        property_key=method.property_key,
        zip=sql.SQL("s.zip_code") if method.by_zip else sql.SQL("NULL::text"),
        zip_agrees=_ZIP_AGREES if method.by_zip else sql.SQL(""),
        accept=sql.SQL(method.accept),
        method=sql.Literal(method.name),
        what=sql.Literal(method.what),
        refused=sql.Literal(method.refused),
    )


def match_staged(
    conn: psycopg.Connection[Any],
    staging: sql.Identifier,
    methods: Sequence[str] = MATCH_METHODS,
) -> None:
    """Match the staged rows (see the module doc). ``methods`` run in the order of
    ``MATCH_METHODS`` whatever order they are given in; a method is skipped when no unmatched
    row has its key (no pass over ``properties`` for nothing)."""
    unknown = set(methods) - set(MATCH_METHODS)
    if unknown:
        raise ValueError(f"unknown match method(s): {', '.join(sorted(unknown))}")
    for name in MATCH_METHODS:
        method = _METHODS[name]
        if name in methods and _has_unmatched_keys(conn, staging, method):
            conn.execute(_match_statement(staging, method))


def _has_unmatched_keys(
    conn: psycopg.Connection[Any], staging: sql.Identifier, method: _Method
) -> bool:
    query = sql.SQL(
        "SELECT EXISTS (SELECT FROM {staging} s WHERE s.reject_reason IS NULL"
        " AND s.property_id IS NULL AND {key} IS NOT NULL)"
    ).format(staging=staging, key=method.staged_key)
    row = conn.execute(query).fetchone()
    return bool(row and row[0])


def remember_previous_property(alias: str) -> sql.Composed:
    """An ``ON CONFLICT … DO UPDATE`` assignment for a re-imported record or listing (target alias
    ``alias``): when it moves to another property, ``previous_property_id`` names the one it
    left, so the next incremental score refresh re-examines that property too."""
    return sql.SQL(
        "previous_property_id = CASE WHEN {0}.property_id IS DISTINCT FROM EXCLUDED.property_id"
        " THEN {0}.property_id ELSE {0}.previous_property_id END"
    ).format(sql.Identifier(alias))


_ALL_ROWS: Final = sql.SQL("TRUE")


def match_counts(
    conn: psycopg.Connection[Any],
    staging: sql.Identifier,
    condition: sql.Composable = _ALL_ROWS,
) -> dict[str | None, int]:
    """How many usable rows (not rejected, meeting ``condition`` over alias ``s``) each method
    matched; the ``None`` entry counts the rows that matched nothing."""
    query = sql.SQL(
        "SELECT s.match_method, count(*) FROM {staging} s"
        " WHERE s.reject_reason IS NULL AND {condition} GROUP BY 1"
    ).format(staging=staging, condition=condition)
    return {method: int(count) for method, count in conn.execute(query).fetchall()}


def unmatched_reason_sql() -> sql.Composed:
    """SQL (over staging alias ``s``) for why a row found no property: the ambiguity note, or the
    keys that were tried, or that the row had none."""
    tried = sql.SQL(
        "concat_ws(', ', CASE WHEN s.folio IS NOT NULL THEN 'folio' END,"
        " CASE WHEN s.address_key IS NOT NULL THEN 'address' END,"
        " CASE WHEN s.legal_key IS NOT NULL THEN 'legal description' END,"
        " CASE WHEN s.owner_key IS NOT NULL THEN 'owner name' END)"
    )
    return sql.SQL(
        "CASE WHEN s.match_note IS NOT NULL THEN 'no property matched (' || s.match_note || ')'"
        " WHEN {tried} = '' THEN"
        " 'no property matched (no folio, address, legal description or owner name to match on)'"
        " ELSE 'no property matched (' || {tried} || ')' END"
    ).format(tried=tried)
