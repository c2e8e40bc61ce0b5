"""Alembic environment: migrates whichever database the settings name (embedded or external)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from propintel.config import get_settings
from propintel.db.engine import CONNECT_ARGS
from propintel.db.urls import database_url, sqlalchemy_url


def _url() -> str:
    configured = context.config.get_main_option("sqlalchemy.url")
    return configured or database_url(get_settings())


def run_migrations_offline() -> None:
    context.configure(url=sqlalchemy_url(_url()), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(
        sqlalchemy_url(_url()), poolclass=pool.NullPool, connect_args=CONNECT_ARGS
    )
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
