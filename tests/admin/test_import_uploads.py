"""Admin import uploads: a size limit applied before the body is stored, a one-line 'CSV' refused
by its first line under the uploader's file name, and files kept N days for audit then deleted by
the cleanup job (or deleted when their import ends, with 0 days)."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from propintel.config import Settings, get_settings
from propintel.db.engine import create_engine_for, unit_of_work
from propintel.ingest import source
from propintel.ingest.tasks import import_file
from propintel.kit.files import LocalFileStore
from propintel.maintenance.tasks import cleanup_job
from tests.factories import browser_as, committed_user
from tests.ingest.conftest import FIXTURES

LIMIT = 64 * 1024
DAY = 86_400


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalFileStore:
    local = LocalFileStore(tmp_path / "uploads")
    monkeypatch.setattr("propintel.admin.pages.upload_store", lambda: local)
    monkeypatch.setattr("propintel.ingest.tasks.upload_store", lambda: local)
    return local


@pytest.fixture
def app_options() -> dict[str, Any]:
    settings = get_settings().model_copy(update={"import_upload_max_bytes": LIMIT})
    return {"settings": settings}


def _settings(monkeypatch: pytest.MonkeyPatch, **changes: Any) -> Settings:
    settings = get_settings().model_copy(update=changes)
    monkeypatch.setattr("propintel.ingest.tasks.get_settings", lambda: settings)
    monkeypatch.setattr("propintel.maintenance.tasks.get_settings", lambda: settings)
    return settings


async def _upload(
    client: httpx.AsyncClient, csrf: str, filename: str, body: bytes
) -> httpx.Response:
    return await client.post(
        "/admin/imports",
        data={"kind": "nal", "csrf_token": csrf},
        files={"file": (filename, body, "text/csv")},
    )


async def test_an_upload_over_the_limit_is_refused_before_it_is_stored(
    client: httpx.AsyncClient, db: AsyncSession, store: LocalFileStore
) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)
    response = await _upload(client, csrf, "big.csv", b"CO_NO\n" + b"1\n" * (LIMIT + 64 * 1024))
    assert response.status_code == 413
    assert "too large" in response.text
    assert not store.root.exists() or list(store.root.iterdir()) == []
    assert await db.scalar(text("SELECT count(*) FROM procrastinate_jobs")) == 0


async def test_a_one_line_file_is_refused_with_its_line_and_the_uploaders_file_name(
    client: httpx.AsyncClient,
    db: AsyncSession,
    store: LocalFileStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(source, "MAX_LINE_BYTES", 1024)  # the same path as 16 MB, smaller
    csrf = await browser_as(client, db, UserType.ADMIN)
    response = await _upload(client, csrf, "Roll 2026 (v2).csv", b"CO_NO," + b"A" * 8 * 1024)
    assert response.status_code == 422
    assert "Roll 2026 (v2).csv: line 1 is longer than" in response.text
    assert str(store.root) not in response.text and "uploads/" not in response.text
    assert list(store.root.iterdir()) == []  # a refused file is deleted at once
    assert await db.scalar(text("SELECT count(*) FROM procrastinate_jobs")) == 0


async def _run_import(import_url: str, store: LocalFileStore) -> str:
    with (FIXTURES / "nal_small.csv").open("rb") as handle:
        key = store.save(handle, "NAL23F202601.csv")
    engine = create_engine_for(import_url, pool_size=1)
    try:
        admin_id = committed_user(import_url, user_type=UserType.ADMIN)
        async with unit_of_work(engine) as session:
            result = await import_file(
                session, kind="nal", key=key, filename="NAL23F202601.csv", user_id=str(admin_id)
            )
    finally:
        await engine.dispose()
    assert result["status"] == "succeeded"
    return key


async def test_an_imported_file_is_kept_for_audit_then_deleted_by_the_cleanup_job(
    import_url: str, store: LocalFileStore, monkeypatch: pytest.MonkeyPatch, db: AsyncSession
) -> None:
    _settings(monkeypatch, import_upload_keep_days=30)
    key = await _run_import(import_url, store)
    assert store.local_path(key).is_file()  # kept after the import

    recent = store.save(io.BytesIO(b"CO_NO\n23\n"), "recent.csv")
    old = store.local_path(key)
    month_ago = time.time() - 31 * DAY
    os.utime(old, (month_ago, month_ago))

    detail = await cleanup_job(db)
    assert detail["import_uploads_deleted"] == 1
    assert detail["import_upload_keep_days"] == 30
    assert not old.exists() and not old.parent.exists()
    assert store.local_path(recent).is_file()


async def test_with_zero_days_a_file_is_deleted_when_its_import_ends(
    import_url: str, store: LocalFileStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings(monkeypatch, import_upload_keep_days=0)
    key = await _run_import(import_url, store)
    assert not store.local_path(key).exists()
    assert list(store.root.iterdir()) == []


def test_prune_keeps_what_is_younger_than_the_period(tmp_path: Path) -> None:
    local = LocalFileStore(tmp_path / "uploads")
    assert local.prune(DAY) == 0  # no directory yet
    keys = [local.save(io.BytesIO(b"CO_NO\n23\n"), f"f{n}.csv") for n in range(3)]
    now = time.time()
    for age_days, key in zip((0, 2, 5), keys, strict=True):
        stamp = now - age_days * DAY
        os.utime(local.local_path(key), (stamp, stamp))
    assert local.prune(3 * DAY, now) == 1
    assert [local.local_path(key).exists() for key in keys] == [True, True, False]
