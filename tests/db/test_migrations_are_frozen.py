"""A migration's effect is fixed once it has run somewhere: it uses no application code, which
could change under it (revision 0011 once imported the live matcher's key SQL)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

VERSIONS = Path(__file__).parents[2] / "src" / "propintel" / "db" / "migrations" / "versions"
# The one piece of the package a migration may use: running a script (and reading a shipped file).
ALLOWED = {"propintel.db.sqlfiles"}


def _propintel_imports(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return {name for name in modules if name == "propintel" or name.startswith("propintel.")}


@pytest.mark.parametrize("path", sorted(VERSIONS.glob("[0-9]*.py")), ids=lambda path: path.name)
def test_migration_imports_no_application_code(path: Path) -> None:
    assert _propintel_imports(path) <= ALLOWED
