"""SQL lives in repositories (docs/architecture.md, "SQL"): a statement written as text anywhere
else fails here, unless it is on a measured hot path of decision 0006 or is the database
tooling of ``db/`` (migrations, creating databases). Docstrings and messages that merely mention
SQL words are not statements and are ignored."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import propintel

SOURCE = Path(propintel.__file__).parent

# A string that contains one of these is a statement (or a piece of one).
STATEMENT = re.compile(
    r"\bSELECT\b[\s\S]+\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\b(CREATE|ALTER|DROP)\s+(TEMP|TEMPORARY|TABLE|INDEX|UNIQUE|DATABASE|EXTENSION)\b"
    r"|\bTRUNCATE\s+\w|\bCOPY\s+\w+\s*(\(|FROM|TO)|\bON\s+CONFLICT\b|\bSET\s+LOCAL\b",
)

# docs/decisions/0006-hand-written-sql-on-measured-hot-paths.md names each of these.
HOT_PATHS = {
    "ingest/runs.py",
    "ingest/nal.py",
    "ingest/sdf.py",
    "ingest/pa_points.py",
    "ingest/signals.py",
    "ingest/signals_kinds.py",
    "ingest/fsbo.py",
    "ingest/sales.py",
    "ingest/matching.py",
    "scoring/refresh_sql.py",
    "scoring/mortgage.py",
    "scoring/quality.py",
    "scoring/indicators.py",
}


# Messages that tell an operator which command to run quote SQL; they are not statements.
OPERATOR_ADVICE = (
    "run ALTER DATABASE … SET timezone",
    "`CREATE EXTENSION pg_stat_statements`",
)


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of docstring nodes (a module's, class's or function's first string)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _strings(tree: ast.AST) -> list[tuple[ast.expr, str]]:
    """Every string literal with its text; an f-string as one text (each replacement field
    read as ``x``), not as its pieces."""
    pieces = set()
    found: list[tuple[ast.expr, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                pieces.add(id(value))
                is_text = isinstance(value, ast.Constant) and isinstance(value.value, str)
                parts.append(value.value if is_text else "x")  # type: ignore[union-attr]
            found.append((node, "".join(parts)))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in pieces
        ):
            found.append((node, node.value))
    return found


def statements_in(source: str) -> list[int]:
    """The line numbers of string literals in ``source`` that hold SQL statements."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    return sorted(
        node.lineno
        for node, text in _strings(tree)
        if id(node) not in skip
        and STATEMENT.search(text)
        and not any(advice in text for advice in OPERATOR_ADVICE)
    )


def _allowed(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return "repository" in name or relative.startswith("db/") or relative in HOT_PATHS


def misplaced_sql() -> list[str]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if not _allowed(relative):
            found += [f"{relative}:{line}" for line in statements_in(path.read_text())]
    return found


def test_sql_is_written_only_in_repositories_and_the_documented_hot_paths() -> None:
    misplaced = misplaced_sql()
    assert not misplaced, (
        "SQL outside a repository: move it into the package's *repository.py and call it "
        "through the service (docs/architecture.md, 'SQL'): " + ", ".join(misplaced)
    )


def test_the_detector_finds_statements_and_ignores_prose() -> None:
    code = '''
"""Module docstring: SELECT x FROM y is prose here."""
QUERY = "SELECT count(*) FROM saved_leads WHERE user_id = :user_id"
STAGE = f"COPY {table} FROM STDIN"
UPSERT = "INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING"
LABEL = "VACUUM (ANALYZE) of the whole database, weekly."
MESSAGE = "Select a plan from the list."
'''
    assert statements_in(code) == [3, 4, 5]


def test_every_hot_path_exists_and_is_named_by_the_decision() -> None:
    decision = (
        SOURCE.parents[1] / "docs" / "decisions" / "0006-hand-written-sql-on-measured-hot-paths.md"
    )
    text = decision.read_text()
    for relative in HOT_PATHS:
        assert (SOURCE / relative).exists(), relative
        assert relative in text or relative.rsplit("/", 1)[-1] in text, relative
