"""Fixtures of the maintenance tests: an empty database to restore a backup into."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from propintel.db import migrate
from propintel.db.urls import with_database

RESTORE_DB = f"propintel_restore_{os.getpid()}"


@pytest.fixture
def empty_url(server_url: str) -> Iterator[str]:
    """A new, empty database (as an operator would create for a restore drill)."""
    migrate.drop_database(server_url, RESTORE_DB)
    url = with_database(server_url, RESTORE_DB)
    migrate.ensure_database_exists(url)
    yield url
    migrate.drop_database(server_url, RESTORE_DB)
