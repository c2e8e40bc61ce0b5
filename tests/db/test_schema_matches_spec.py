"""The migrated database is the spec's schema, plus only the additions listed in docs/schema.md.

The spec's SQL is taken from ``docs/spec/schema-spec.md`` itself (every ```sql block before
"## MAINTENANCE QUERIES"), applied to a scratch database, and compared with a database migrated to
head through the catalogs of schema ``public``: extensions, tables, columns, constraints, indexes,
triggers, functions, types, and the seed rows of the spec's reference tables.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.script import ScriptDirectory
from psycopg import sql
from sqlalchemy.engine import make_url

from propintel.db import migrate
from propintel.db.urls import libpq_url, with_database

REPO = Path(__file__).parents[2]
SPEC_PATH = REPO / "docs" / "spec" / "schema-spec.md"
SCHEMA_DOC = REPO / "docs" / "schema.md"

# The spec's seed tables and each one's natural key (None: no key, rows compared as a multiset).
SEED_TABLES: dict[str, str | None] = {
    "intent_indicators": "indicator_name",
    "token_pricing": "action_type",
    "company_token_pool": None,
    "subscription_plans": "plan_name",
    "token_bundles": "bundle_name",
    "ai_cost_config": "service_name",
}
# Seed columns filled by these defaults are generated (uuids, timestamps): not compared.
GENERATED_DEFAULTS = {"uuid_generate_v4()", "now()"}

ADDITION_KINDS = ("table", "column", "index", "extension", "function", "type")
ADDITIONS_HEADER = ["kind", "name", "revision", "reason"]

# Order of objects in reports.
KIND_ORDER = [
    "extension",
    "table",
    "column",
    "constraint",
    "index",
    "trigger",
    "function",
    "type",
    "seed",
]
CONSTRAINT_TYPES = {
    "p": "primary key",
    "u": "unique",
    "f": "foreign key",
    "c": "check",
    "x": "exclusion",
    "t": "trigger",
}


# --------------------------------------------------------------------------------------------------
# The spec's SQL and the list of additions
# --------------------------------------------------------------------------------------------------


def spec_schema_sql(path: Path = SPEC_PATH) -> str:
    """Every ```sql block of the spec before its "## MAINTENANCE QUERIES" heading."""
    if not path.is_file():
        pytest.fail(
            f"The schema spec is missing: expected it at {path.resolve()} "
            "(docs/spec/schema-spec.md in the repository). The schema test compares the "
            "migrated database with the spec's own SQL, so it cannot run without it."
        )
    text = path.read_text(encoding="utf-8")
    heading = re.search(r"^## MAINTENANCE QUERIES\s*$", text, flags=re.MULTILINE)
    if heading is None:
        pytest.fail(f'{path}: no "## MAINTENANCE QUERIES" heading; cannot tell where the DDL ends')
    blocks = re.findall(
        r"^```sql[ \t]*\n(.*?)^```", text[: heading.start()], re.MULTILINE | re.DOTALL
    )
    if not blocks:
        pytest.fail(f"{path}: no ```sql blocks before the maintenance queries")
    return "\n".join(blocks)


@dataclass(frozen=True)
class Addition:
    """One row of the Additions table in docs/schema.md."""

    kind: str
    name: str
    revision: str
    reason: str

    def covers(self, kind: str, name: str) -> bool:
        return self.kind == kind and fnmatch.fnmatchcase(name, self.name)


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|").removesuffix("|")
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]


def read_additions(path: Path = SCHEMA_DOC) -> list[Addition]:
    """Parse the Markdown table under "## Additions"; raise ValueError saying what is wrong."""
    if not path.is_file():
        raise ValueError(f"{path} is missing: it must list the schema additions")
    text = path.read_text(encoding="utf-8")
    section = re.search(r"^## Additions\s*$(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    if section is None:
        raise ValueError(f'{path}: no "## Additions" section')
    lines = [line for line in section.group(1).splitlines() if line.lstrip().startswith("|")]
    if len(lines) < 2 or [c.lower() for c in _cells(lines[0])] != ADDITIONS_HEADER:
        raise ValueError(
            f"{path}: the Additions table must start with | kind | name | revision | reason |"
        )
    if not re.fullmatch(r"[\s|:-]+", lines[1]):
        raise ValueError(f"{path}: the Additions table's second line must be |---|---|---|---|")
    additions = []
    for line in lines[2:]:
        cells = _cells(line)
        if len(cells) != len(ADDITIONS_HEADER):
            raise ValueError(f"{path}: expected 4 cells in Additions row {line.strip()!r}")
        kind, name, revision, reason = (cell.strip("`").strip() for cell in cells)
        kind = kind.lower()
        if kind not in ADDITION_KINDS:
            raise ValueError(
                f"{path}: Additions row {line.strip()!r}: kind {kind!r} is not one of "
                + ", ".join(ADDITION_KINDS)
            )
        if not name or not revision or not reason:
            raise ValueError(
                f"{path}: Additions row {line.strip()!r} needs a name, revision, reason"
            )
        if kind == "column" and "." not in name:
            raise ValueError(
                f"{path}: Additions row {line.strip()!r}: write columns as table.column"
            )
        additions.append(Addition(kind, name, revision, reason))
    return additions


# --------------------------------------------------------------------------------------------------
# Catalog snapshot
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DbObject:
    kind: str  # one of KIND_ORDER
    name: str  # as reported: table.column, table.constraint, index, function(args), table[key]
    definition: str  # what must be identical on both sides
    listed_as: str = ""  # the name an Additions row uses for it (bare function name, ...)
    table: str | None = None  # the table it belongs to
    columns: tuple[str, ...] = ()  # a constraint's own columns
    via: str | None = None  # an index: its constraint's name; a trigger: its function's name
    fields: tuple[tuple[str, str], ...] = ()  # a seed row's (column, repr(value)) pairs

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)


def _not_extension_member(catalog: str, oid: str) -> str:
    return (
        f"NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '{catalog}'::regclass"
        f" AND dep.objid = {oid} AND dep.deptype = 'e')"
    )


RELATIONS = f"""
SELECT c.oid, c.relname, c.relkind, c.relpersistence
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND c.relname <> 'alembic_version' AND {_not_extension_member("pg_class", "c.oid")}
"""

QUERIES = {
    "extension": "SELECT extname FROM pg_extension",
    "table": f"SELECT relname, relkind, relpersistence FROM ({RELATIONS}) r",
    "column": f"""
        SELECT r.relname, a.attname, format_type(a.atttypid, a.atttypmod),
               pg_get_expr(ad.adbin, ad.adrelid), a.attnotnull, a.attidentity, a.attgenerated,
               CASE WHEN a.attcollation <> t.typcollation THEN co.collname END
        FROM ({RELATIONS}) r
        JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        LEFT JOIN pg_collation co ON co.oid = a.attcollation""",
    "constraint": f"""
        SELECT r.relname, con.conname, con.contype, pg_get_constraintdef(con.oid),
               ARRAY(SELECT a.attname::text FROM unnest(con.conkey) AS k(attnum)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                     ORDER BY 1)
        FROM ({RELATIONS}) r JOIN pg_constraint con ON con.conrelid = r.oid""",
    "index": f"""
        SELECT r.relname, i.relname, pg_get_indexdef(i.oid), con.conname
        FROM ({RELATIONS}) r
        JOIN pg_index x ON x.indrelid = r.oid
        JOIN pg_class i ON i.oid = x.indexrelid
        LEFT JOIN pg_constraint con
          ON con.conindid = i.oid AND con.conrelid = r.oid AND con.contype IN ('p', 'u', 'x')""",
    "trigger": f"""
        SELECT r.relname, tg.tgname, pg_get_triggerdef(tg.oid), p.proname
        FROM ({RELATIONS}) r
        JOIN pg_trigger tg ON tg.tgrelid = r.oid AND NOT tg.tgisinternal
        JOIN pg_proc p ON p.oid = tg.tgfoid""",
    "function": f"""
        SELECT p.proname, pg_get_function_identity_arguments(p.oid),
               CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid)
                    ELSE p.prokind::text || ' returning ' || pg_get_function_result(p.oid) END
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND {_not_extension_member("pg_proc", "p.oid")}""",
    "type": f"""
        SELECT t.typname,
               CASE t.typtype
                 WHEN 'e' THEN 'enum (' || (
                   SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                   FROM pg_enum e WHERE e.enumtypid = t.oid) || ')'
                 WHEN 'd' THEN 'domain over ' || format_type(t.typbasetype, t.typtypmod)
                   || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
                   || coalesce(' ' || (
                     SELECT string_agg(pg_get_constraintdef(dc.oid), ' ' ORDER BY dc.conname)
                     FROM pg_constraint dc WHERE dc.contypid = t.oid), '')
                 WHEN 'r' THEN 'range of ' || format_type(rg.rngsubtype, NULL)
                 ELSE 'composite (' || (
                   SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod),
                                     ', ' ORDER BY a.attnum)
                   FROM pg_attribute a
                   WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) || ')'
               END
        FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace
        LEFT JOIN pg_class c ON c.oid = t.typrelid
        LEFT JOIN pg_range rg ON rg.rngtypid = t.oid
        WHERE n.nspname = 'public'
          AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND c.relkind = 'c'))
          AND {_not_extension_member("pg_type", "t.oid")}""",
}

RELKINDS = {"r": "table", "p": "partitioned table", "v": "view", "m": "materialized view"}


def _column_definition(row: tuple[Any, ...]) -> str:
    _, _, type_, default, not_null, identity, generated, collation = row
    parts = [type_]
    if collation:
        parts.append(f"COLLATE {collation}")
    if generated:
        parts.append(f"GENERATED ALWAYS AS ({default}) STORED")
    elif default is not None:
        parts.append(f"DEFAULT {default}")
    if identity:
        parts.append("GENERATED ALWAYS AS IDENTITY" if identity == "a" else "GENERATED BY DEFAULT")
    parts.append("NOT NULL" if not_null else "NULL")
    return " ".join(parts)


def catalog_objects(conn: psycopg.Connection[Any]) -> list[DbObject]:
    """Every object of schema public that the comparison looks at (seed rows excluded)."""
    objects: list[DbObject] = []
    for (name,) in conn.execute(QUERIES["extension"]):
        objects.append(DbObject("extension", name, name, listed_as=name))
    for name, relkind, persistence in conn.execute(QUERIES["table"]):
        definition = RELKINDS.get(relkind, f"relkind {relkind}")
        if persistence == "u":
            definition = f"unlogged {definition}"
        objects.append(DbObject("table", name, definition, listed_as=name, table=name))
    for row in conn.execute(QUERIES["column"]):
        table, column = row[0], row[1]
        full = f"{table}.{column}"
        objects.append(
            DbObject("column", full, _column_definition(row), listed_as=full, table=table)
        )
    for table, name, contype, definition, columns in conn.execute(QUERIES["constraint"]):
        objects.append(
            DbObject(
                "constraint",
                f"{table}.{name}",
                f"{CONSTRAINT_TYPES.get(contype, contype)}: {definition}",
                listed_as=name,
                table=table,
                columns=tuple(columns),
            )
        )
    for table, name, definition, constraint in conn.execute(QUERIES["index"]):
        objects.append(
            DbObject("index", name, definition, listed_as=name, table=table, via=constraint)
        )
    for table, name, definition, function in conn.execute(QUERIES["trigger"]):
        objects.append(
            DbObject("trigger", f"{table}.{name}", definition, table=table, via=function)
        )
    for name, arguments, definition in conn.execute(QUERIES["function"]):
        objects.append(DbObject("function", f"{name}({arguments})", definition, listed_as=name))
    for name, definition in conn.execute(QUERIES["type"]):
        objects.append(DbObject("type", name, definition, listed_as=name))
    return objects


def seed_columns(conn: psycopg.Connection[Any], table: str) -> list[str]:
    """The table's columns, minus those filled by generated defaults (uuids, timestamps)."""
    rows = conn.execute(
        """
        SELECT a.attname, pg_get_expr(ad.adbin, ad.adrelid)
        FROM pg_attribute a
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
        """,
        (f"public.{table}",),
    ).fetchall()
    return [name for name, default in rows if default not in GENERATED_DEFAULTS]


def seed_objects(
    conn: psycopg.Connection[Any], table: str, key: str | None, columns: list[str]
) -> list[DbObject]:
    """One object per seed row: named by its natural key, defined by its non-generated values."""
    present = set(seed_columns(conn, table))
    columns = [column for column in columns if column in present]
    if not columns:
        return []
    query = sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(sql.Identifier(column) for column in columns),
        sql.Identifier("public", table),
    )
    objects = []
    seen: Counter[str] = Counter()
    for row in conn.execute(query):
        values = dict(zip(columns, row, strict=True))
        fields = tuple((column, repr(value)) for column, value in values.items())
        definition = ", ".join(f"{column}={value}" for column, value in fields)
        label = repr(values[key]) if key in values else definition
        seen[label] += 1
        if seen[label] > 1:
            label = f"{label} #{seen[label]}"
        objects.append(
            DbObject("seed", f"{table}[{label}]", definition, table=table, fields=fields)
        )
    return objects


def snapshot(url: str, seed_spec: dict[str, list[str]] | None = None) -> list[DbObject]:
    """Catalog objects plus seed rows. Without seed_spec, the seed columns are read from this db."""
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        objects = catalog_objects(conn)
        existing = {obj.name for obj in objects if obj.kind == "table"}
        for table, key in SEED_TABLES.items():
            if table not in existing:
                continue
            columns = seed_spec[table] if seed_spec else seed_columns(conn, table)
            objects.extend(seed_objects(conn, table, key, columns))
    return objects


def seed_column_spec(url: str) -> dict[str, list[str]]:
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        return {table: seed_columns(conn, table) for table in SEED_TABLES}


# --------------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------------


def _short(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_listed(
    obj: DbObject, extras: dict[tuple[str, str], DbObject], additions: list[Addition]
) -> bool:
    """Is an object that the spec lacks covered by a row of the Additions table?"""

    def listed(kind: str, name: str) -> bool:
        return any(addition.covers(kind, name) for addition in additions)

    table_listed = obj.table is not None and listed("table", obj.table)
    if obj.kind in ("extension", "table", "function", "type"):
        return listed(obj.kind, obj.listed_as)
    if obj.kind == "column":
        return table_listed or listed("column", obj.name)
    if obj.kind == "constraint":
        # Part of the added columns it constrains (e.g. UNIQUE on an added column).
        return table_listed or (
            bool(obj.columns) and all(listed("column", f"{obj.table}.{c}") for c in obj.columns)
        )
    if obj.kind == "index":
        constraint = extras.get(("constraint", f"{obj.table}.{obj.via}")) if obj.via else None
        return (
            table_listed
            or listed("index", obj.name)
            or (constraint is not None and _is_listed(constraint, extras, additions))
        )
    if obj.kind == "trigger":
        return table_listed or (obj.via is not None and listed("function", obj.via))
    return False  # seed rows must match the spec exactly


def _field_differences(
    label: str, spec: tuple[tuple[str, str], ...], migrated: tuple[tuple[str, str], ...]
) -> str:
    """A seed row's changed columns only, so that a long row does not hide the change."""
    expected, actual = dict(spec), dict(migrated)
    changed = [column for column in expected if expected[column] != actual.get(column)]
    details = "; ".join(
        f"{column}: spec {_short(expected[column])}, migrated "
        + (_short(actual[column]) if column in actual else "(no such column)")
        for column in changed
    )
    return f"{label}: differs in {', '.join(changed)} ({details})"


def _sort_key(obj: DbObject) -> tuple[int, str]:
    return (KIND_ORDER.index(obj.kind), obj.name)


def compare_objects(
    spec: Iterable[DbObject], migrated: Iterable[DbObject], additions: list[Addition]
) -> list[str]:
    spec_by_key = {obj.key: obj for obj in spec}
    migrated_by_key = {obj.key: obj for obj in migrated}
    differences: list[tuple[tuple[int, str], str]] = []
    for key, expected in spec_by_key.items():
        actual = migrated_by_key.get(key)
        label = f"{expected.kind} {expected.name}"
        if actual is None:
            message = (
                f"{label}: missing from the migrated database (spec: {_short(expected.definition)})"
            )
        elif actual.definition != expected.definition and expected.fields and actual.fields:
            message = _field_differences(label, expected.fields, actual.fields)
        elif actual.definition != expected.definition:
            message = (
                f"{label}: differs (spec: {_short(expected.definition)}; "
                f"migrated: {_short(actual.definition)})"
            )
        else:
            continue
        differences.append((_sort_key(expected), message))
    extras = {key: obj for key, obj in migrated_by_key.items() if key not in spec_by_key}
    for obj in extras.values():
        if obj.kind == "seed":
            message = f"seed {obj.name}: row not in the spec ({_short(obj.definition)})"
        elif _is_listed(obj, extras, additions):
            continue
        else:
            message = (
                f"{obj.kind} {obj.name}: not in the spec and not listed under Additions in "
                f"docs/schema.md ({_short(obj.definition)})"
            )
        differences.append((_sort_key(obj), message))
    return [message for _, message in sorted(differences)]


def schema_differences(spec_url: str, migrated_url: str, additions: list[Addition]) -> list[str]:
    """Every way the migrated database differs from the spec's, minus the listed additions.

    The spec database's objects must all exist identically in the migrated one; objects only the
    migrated database has are reported unless an Additions row covers them. Extension members
    (PostGIS's spatial_ref_sys, its functions and types) and alembic_version are not compared.
    """
    columns = seed_column_spec(spec_url)
    return compare_objects(snapshot(spec_url, columns), snapshot(migrated_url, columns), additions)


def unused_additions(spec_url: str, migrated_url: str, additions: list[Addition]) -> list[Addition]:
    """Additions rows that cover nothing the migrated database has on top of the spec."""
    spec_keys = {obj.key for obj in snapshot(spec_url)}
    extras = [obj for obj in snapshot(migrated_url) if obj.key not in spec_keys]
    return [
        addition
        for addition in additions
        if not any(addition.covers(obj.kind, obj.listed_as) for obj in extras)
    ]


def database_settings(url: str) -> dict[str, str]:
    """Settings stored at database level (ALTER DATABASE … SET), by lower-cased name."""
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        row = conn.execute(
            """
            SELECT s.setconfig FROM pg_db_role_setting s
            JOIN pg_database d ON d.oid = s.setdatabase
            WHERE d.datname = current_database() AND s.setrole = 0
            """
        ).fetchone()
    settings = {}
    for item in row[0] if row else []:
        name, _, value = item.partition("=")
        settings[name.lower()] = value
    return settings


# --------------------------------------------------------------------------------------------------
# Scratch databases
# --------------------------------------------------------------------------------------------------


SET_DATABASE_TIMEZONE = """
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET timezone TO %L', current_database(), 'America/New_York');
END
$$;
"""


@contextmanager
def scratch_database(server_url: str, name: str, *, template: str | None = None) -> Iterator[str]:
    migrate.drop_database(server_url, name)
    url = with_database(server_url, name)
    migrate.ensure_database_exists(url, template=template)
    try:
        yield url
    finally:
        migrate.drop_database(server_url, name)


def run_sql(url: str, script: str) -> None:
    """Run a multi-statement script in one transaction."""
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute(script)  # a trusted script without parameters


@pytest.fixture(scope="module")
def spec_sql() -> str:
    return spec_schema_sql()


@pytest.fixture(scope="module")
def spec_url(server_url: str, spec_sql: str) -> Iterator[str]:
    """A scratch database holding exactly the spec's SQL."""
    with scratch_database(server_url, f"propintel_test_spec_{os.getpid()}") as url:
        run_sql(url, spec_sql)
        yield url


@pytest.fixture(scope="module")
def additions(template_url: str) -> list[Addition]:
    try:
        rows = read_additions()
    except ValueError as error:
        pytest.fail(str(error))
    known = {
        script.revision
        for script in ScriptDirectory.from_config(
            migrate.alembic_config(template_url)
        ).walk_revisions()
    }
    unknown = [row for row in rows if row.revision not in known]
    assert not unknown, (
        "docs/schema.md Additions rows name unknown Alembic revisions: "
        + ", ".join(f"{row.kind} {row.name} ({row.revision})" for row in unknown)
    )
    return rows


# --------------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------------


def test_migrated_database_matches_spec(
    spec_url: str, spec_sql: str, template_url: str, additions: list[Addition]
) -> None:
    # Guard against a vacuous comparison: the scratch database has every table the spec creates.
    spec_tables = set(re.findall(r"^CREATE TABLE (\w+)", spec_sql, re.MULTILINE))
    scratch_tables = {obj.name for obj in snapshot(spec_url) if obj.kind == "table"}
    assert len(spec_tables) >= 30
    assert scratch_tables == spec_tables

    differences = schema_differences(spec_url, template_url, additions)
    assert not differences, (
        f"The migrated database differs from the spec in {len(differences)} way(s):\n"
        + "\n".join(differences)
    )


def test_every_listed_addition_exists(
    spec_url: str, template_url: str, additions: list[Addition]
) -> None:
    unused = unused_additions(spec_url, template_url, additions)
    assert not unused, "docs/schema.md lists additions the migrated database does not have:\n" + (
        "\n".join(f"{row.kind} {row.name} (revision {row.revision})" for row in unused)
    )


def test_migrated_database_sets_new_york_timezone(spec_url: str, template_url: str) -> None:
    assert database_settings(template_url).get("timezone") == "America/New_York"
    # The spec's own `SET timezone` lasts one session, so its scratch database has no setting.
    assert "timezone" not in database_settings(spec_url)


def test_comparison_reports_each_difference(server_url: str, spec_url: str, spec_sql: str) -> None:
    with scratch_database(server_url, f"propintel_test_spec_changed_{os.getpid()}") as url:
        run_sql(url, spec_sql)
        assert schema_differences(spec_url, url, []) == []

        run_sql(
            url,
            """
            DROP INDEX idx_saved_leads_status;
            ALTER TABLE users ALTER COLUMN token_balance SET DEFAULT 5;
            DELETE FROM token_bundles WHERE bundle_name = '25000 Credits';
            UPDATE intent_indicators SET weight = 35 WHERE indicator_name = 'tax_lien';
            """,
        )
        changed = [
            "column users.token_balance: differs (spec: integer DEFAULT 0 NULL; "
            "migrated: integer DEFAULT 5 NULL)",
            "index idx_saved_leads_status: missing from the migrated database "
            "(spec: CREATE INDEX idx_saved_leads_status ON public.saved_leads "
            "USING btree (status))",
            "seed intent_indicators['tax_lien']: differs in weight (weight: spec 30, migrated 35)",
            "seed token_bundles['25000 Credits']: missing from the migrated database "
            "(spec: bundle_name='25000 Credits', token_amount=25000, price=Decimal('20.00'), "
            "stripe_price_id=None, is_active=True)",
        ]
        assert schema_differences(spec_url, url, []) == changed

        # Additions are reported until the Additions table covers them.
        run_sql(
            url,
            """
            CREATE TABLE extra_table (id integer PRIMARY KEY, note text);
            CREATE INDEX idx_extra_table_note ON extra_table(note);
            ALTER TABLE users ADD COLUMN nickname text UNIQUE;
            CREATE INDEX idx_users_last_login ON users(last_login);
            CREATE TYPE extra_status AS ENUM ('a', 'b');
            CREATE FUNCTION extra_touch() RETURNS trigger LANGUAGE plpgsql
              AS 'BEGIN RETURN NEW; END';
            CREATE TRIGGER trg_users_touch BEFORE UPDATE ON users
              FOR EACH ROW EXECUTE FUNCTION extra_touch();
            INSERT INTO token_pricing (action_type, tokens_required) VALUES ('extra_action', 1);
            """,
        )
        unlisted = schema_differences(spec_url, url, [])
        reported = [message.split(":")[0] for message in unlisted if message not in changed]
        assert reported == [
            "table extra_table",
            "column extra_table.id",
            "column extra_table.note",
            "column users.nickname",
            "constraint extra_table.extra_table_pkey",
            "constraint users.users_nickname_key",
            "index extra_table_pkey",
            "index idx_extra_table_note",
            "index idx_users_last_login",
            "index users_nickname_key",
            "trigger users.trg_users_touch",
            "function extra_touch()",
            "type extra_status",
            "seed token_pricing['extra_action']",
        ]

        listed = [
            Addition("table", "extra_table", "0009", "test"),
            Addition("column", "users.nickname", "0009", "test"),
            Addition("index", "idx_users_last_login", "0009", "test"),
            Addition("function", "extra_*", "0009", "test"),
            Addition("type", "extra_status", "0009", "test"),
        ]
        seed_row = (
            "seed token_pricing['extra_action']: row not in the spec (action_type='extra_action', "
            "tokens_required=1, actual_cost_usd=None, description=None)"
        )
        assert schema_differences(spec_url, url, listed) == [*changed, seed_row]
        assert unused_additions(
            spec_url, url, [*listed, Addition("table", "nope", "0009", "x")]
        ) == [Addition("table", "nope", "0009", "x")]


def test_downgrade_to_base_then_upgrade_again(
    server_url: str, spec_url: str, template_url: str, additions: list[Addition]
) -> None:
    template = make_url(template_url).database
    assert template
    with scratch_database(
        server_url, f"propintel_test_downgrade_{os.getpid()}", template=template
    ) as url:
        # CREATE DATABASE … TEMPLATE does not copy database-level settings: restore the template's,
        # so that the downgrade is seen resetting it.
        run_sql(url, SET_DATABASE_TIMEZONE)
        assert database_settings(url).get("timezone") == "America/New_York"

        migrate.downgrade(url, "base")
        assert migrate.current_revision(url) is None
        leftovers = [obj for obj in snapshot(url) if obj.key != ("extension", "plpgsql")]
        assert not leftovers, "downgrade to base left objects behind:\n" + "\n".join(
            f"{obj.kind} {obj.name}" for obj in sorted(leftovers, key=_sort_key)
        )
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            relations = conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
                " ORDER BY 1"
            ).fetchall()
        assert [name for (name,) in relations] == ["alembic_version"]
        assert "timezone" not in database_settings(url)

        migrate.upgrade(url)
        assert migrate.is_current(url)
        differences = schema_differences(spec_url, url, additions)
        assert not differences, "after downgrade and upgrade:\n" + "\n".join(differences)
        assert database_settings(url).get("timezone") == "America/New_York"
