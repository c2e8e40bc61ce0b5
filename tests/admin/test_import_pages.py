"""Admin data imports: upload (checked at once, then queued), runs list, quarantine pages."""

from __future__ import annotations

import io
from html import unescape
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import ROLE_REFUSAL
from propintel.auth.models import UserType
from propintel.db.engine import create_engine_for, unit_of_work
from propintel.ingest.errors import ImportRefused
from propintel.ingest.registry import KIND_LABELS, importers
from propintel.ingest.tasks import import_file
from propintel.kit.files import LocalFileStore
from propintel.web.security import CSRF_REFUSAL
from tests.factories import browser_as, committed_user
from tests.ingest.conftest import FIXTURES, query


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalFileStore:
    local = LocalFileStore(tmp_path / "uploads")
    monkeypatch.setattr("propintel.admin.pages.upload_store", lambda: local)
    monkeypatch.setattr("propintel.ingest.tasks.upload_store", lambda: local)
    return local


async def _upload_nal(client: httpx.AsyncClient, csrf: str, filename: str) -> httpx.Response:
    """Upload, as a tax roll, a file named ``filename`` that lacks most of the roll's columns."""
    return await client.post(
        "/admin/imports",
        data={"kind": "nal", "csrf_token": csrf},
        files={"file": (filename, b"CO_NO,PARCEL_ID\n23,1\n", "text/csv")},
    )


async def test_upload_is_checked_and_queued_in_the_same_transaction(
    client: httpx.AsyncClient, db: AsyncSession, store: LocalFileStore
) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)
    with (FIXTURES / "nal_small.csv").open("rb") as handle:
        response = await client.post(
            "/admin/imports",
            data={"kind": "nal", "csrf_token": csrf},
            files={"file": ("NAL23F202601.csv", handle, "text/csv")},
        )
    assert response.status_code == 303
    jobs = (await db.execute(text("SELECT task_name, args FROM procrastinate_jobs"))).all()
    assert [(name, args["kind"], args["filename"]) for name, args in jobs] == [
        ("ingest.import_file", "nal", "NAL23F202601.csv")
    ]
    assert (
        store.local_path(jobs[0][1]["key"]).read_bytes()
        == (FIXTURES / "nal_small.csv").read_bytes()
    )


async def test_refused_upload_names_missing_columns_and_queues_nothing(
    client: httpx.AsyncClient, db: AsyncSession, store: LocalFileStore
) -> None:
    response = await _upload_nal(client, await browser_as(client, db, UserType.ADMIN), "bad.csv")
    assert response.status_code == 422
    assert "missing required column(s): DOR_UC" in response.text
    assert (await db.scalar(text("SELECT count(*) FROM procrastinate_jobs"))) == 0
    assert list(store.root.iterdir()) == []


async def test_refused_upload_names_the_uploaded_file_not_where_it_is_stored(
    client: httpx.AsyncClient, db: AsyncSession, store: LocalFileStore
) -> None:
    response = await _upload_nal(
        client, await browser_as(client, db, UserType.ADMIN), "Roll 2026 (v2).csv"
    )
    assert response.status_code == 422
    error = response.text.split('id="upload-error">')[1].split("</div>")[0]
    assert error.startswith("Roll 2026 (v2).csv: missing required column(s): DOR_UC, JV")
    assert list(store.root.iterdir()) == []


async def test_a_failure_met_by_the_worker_names_the_uploaded_file(
    import_url: str, store: LocalFileStore
) -> None:
    """PA JSON is checked as it is read, so a broken file fails in the worker, on record."""
    key = store.save(io.BytesIO(b'{"type": "FeatureCollection", "features": [{'), "points.geojson")
    engine = create_engine_for(import_url, pool_size=1)
    try:
        async with unit_of_work(engine) as session:
            with pytest.raises(ImportRefused):
                await import_file(
                    session,
                    kind="pa-points",
                    key=key,
                    filename="points.geojson",
                    user_id=str(committed_user(import_url, user_type=UserType.ADMIN)),
                )
    finally:
        await engine.dispose()
    [(error,)] = query(import_url, "SELECT error FROM import_runs")
    assert str(error).startswith("points.geojson: not valid JSON")


async def test_upload_without_csrf_token_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, store: LocalFileStore
) -> None:
    await browser_as(client, db, UserType.ADMIN)
    response = await client.post(
        "/admin/imports", data={"kind": "nal"}, files={"file": ("a.csv", b"x", "text/csv")}
    )
    assert response.status_code == 403 and CSRF_REFUSAL in response.text


async def test_imports_pages_are_admin_only(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await browser_as(client, db, UserType.SUBSCRIBER)
    refused = await client.get("/admin/imports")
    assert refused.status_code == 403 and ROLE_REFUSAL in refused.text


async def test_import_job_records_the_run_with_its_uploader(
    import_url: str, store: LocalFileStore, client: httpx.AsyncClient, db: AsyncSession
) -> None:
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
    assert result["status"] == "succeeded" and result["inserted"] == 5
    [(source_file, requested_by)] = query(
        import_url, "SELECT source_file, requested_by FROM import_runs"
    )
    assert (source_file, requested_by) == ("NAL23F202601.csv", admin_id)


async def test_run_page_lists_quarantine_with_keyset_pages(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, UserType.ADMIN)
    run_id = await db.scalar(
        text(
            "INSERT INTO import_runs (kind, source_file, status, counts) VALUES "
            "('nal', 'roll.csv', 'succeeded', '{\"read\": 150, \"quarantined_total\": 150}') "
            "RETURNING run_id"
        )
    )
    await db.execute(
        text(
            "INSERT INTO import_quarantine (run_id, line_number, action, reason, raw_content) "
            "SELECT :run, n + 1, 'row_quarantined', 'bad row ' || n, 'raw ' || n "
            "FROM generate_series(1, 150) n"
        ),
        {"run": run_id},
    )
    first = await client.get(f"/admin/imports/{run_id}")
    assert first.status_code == 200
    assert "bad row 1<" in first.text and "bad row 100<" in first.text
    assert "bad row 101<" not in first.text
    next_url = unescape(first.text.split('">Next page</a>')[0].rsplit('href="', 1)[1])
    assert next_url.startswith(f"/admin/imports/{run_id}?cursor=")
    second = await client.get(next_url)
    assert "bad row 101<" in second.text and "bad row 150<" in second.text
    assert "bad row 100<" not in second.text and "Next page" not in second.text
    assert f'href="/admin/imports/{run_id}">First page</a>' in second.text
    other_run = await db.scalar(
        text(
            "INSERT INTO import_runs (kind, source_file, status) "
            "VALUES ('nal', 'b.csv', 'failed') RETURNING run_id"
        )
    )
    refused = await client.get(next_url.replace(str(run_id), str(other_run)))
    assert refused.status_code == 422  # a cursor continues only its own run
    listing = await client.get("/admin/imports")
    assert "roll.csv" in listing.text


def test_every_import_kind_has_a_human_name() -> None:
    assert sorted(KIND_LABELS) == sorted(importers())


async def test_formats_show_their_human_names_and_post_their_kind(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, UserType.ADMIN)
    run_id = await db.scalar(
        text(
            "INSERT INTO import_runs (kind, source_file, status) "
            "VALUES ('signals:code-violations', 'ccviol.csv', 'succeeded') RETURNING run_id"
        )
    )
    listing = await client.get("/admin/imports")
    assert (
        '<option value="signals:code-violations">Code violations (county CCVIOL layer)</option>'
        in listing.text
    )
    runs_table = listing.text.split('data-testid="import-runs"')[1]
    assert "Code violations (county CCVIOL layer)" in runs_table
    assert "signals:" not in runs_table
    run_page = await client.get(f"/admin/imports/{run_id}")
    assert "<h1>Code violations (county CCVIOL layer) import of ccviol.csv</h1>" in run_page.text


async def test_unknown_run_is_404(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await browser_as(client, db, UserType.ADMIN)
    response = await client.get(
        "/admin/imports/00000000-0000-0000-0000-000000000000", headers={"accept": "text/html"}
    )
    assert response.status_code == 404
