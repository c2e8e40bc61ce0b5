"""Which database we talk to: the configured external one, or the embedded cluster."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from propintel.config import Settings
from propintel.db.embedded import EmbeddedCluster


def database_url(settings: Settings) -> str:
    """The libpq URL (``postgresql://…``) every command, the app and the tests use."""
    if settings.database_url:
        return settings.database_url
    return EmbeddedCluster.from_settings(settings).url()


def sqlalchemy_url(libpq_url: str) -> str:
    """The same URL with the psycopg 3 driver named, as SQLAlchemy wants it."""
    url = make_url(libpq_url)
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def libpq_url(any_url: str) -> str:
    """The plain libpq form (for psql, pg_dump, procrastinate), whatever driver was named."""
    url = make_url(any_url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def with_database(any_url: str, database: str) -> str:
    return make_url(any_url).set(database=database).render_as_string(hide_password=False)


def redacted(any_url: str) -> str:
    """For logs and messages: the URL with its password hidden."""
    return make_url(any_url).render_as_string(hide_password=True)
