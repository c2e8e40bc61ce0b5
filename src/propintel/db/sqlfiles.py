"""SQL files shipped with the package (``propintel/db/sql``), run through the raw driver."""

from __future__ import annotations

from importlib import resources

from alembic import op


def read_sql(name: str) -> str:
    return resources.files("propintel.db").joinpath("sql", name).read_text(encoding="utf-8")


def run_sql_script(sql: str) -> None:
    """Run a multi-statement script inside the migration's transaction, without placeholders."""
    driver_connection = op.get_bind().connection.driver_connection
    assert driver_connection is not None
    driver_connection.execute(sql)
