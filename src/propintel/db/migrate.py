"""Create the database if needed and bring it to the newest Alembic revision."""

from __future__ import annotations

from importlib import resources

import psycopg
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from psycopg import sql
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from propintel.db.urls import libpq_url, sqlalchemy_url, with_database


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("propintel.db").joinpath("migrations"))
    )
    # Alembic's config is an INI file: a literal % must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def ensure_database_exists(url: str, *, template: str | None = None) -> bool:
    """Create the URL's database when missing (needs CREATEDB). Returns True when created."""
    name = make_url(url).database
    assert name, "the database URL names no database"
    admin_url = libpq_url(with_database(url, "postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            return False
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        conn.execute(statement)
        return True


def set_database_timezone(url: str, timezone: str = "America/New_York") -> None:
    """What revision 1 does for the database it migrates; copies made from a template need it."""
    name = make_url(url).database
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute(
            sql.SQL("ALTER DATABASE {} SET timezone TO {}").format(
                sql.Identifier(name or ""), sql.Literal(timezone)
            )
        )


def drop_database(url: str, name: str) -> None:
    admin_url = libpq_url(with_database(url, "postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def current_revision(url: str) -> str | None:
    engine = create_engine(sqlalchemy_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


async def applied_revision(connection: AsyncConnection) -> str | None:
    """The revision the database of ``connection`` is at (None: not migrated)."""
    return await connection.run_sync(
        lambda sync: MigrationContext.configure(sync).get_current_revision()
    )


def is_current(url: str) -> bool:
    return current_revision(url) == head_revision(url)
