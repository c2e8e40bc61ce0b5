"""An import whose process dies (SIGKILL mid-load) leaves its run `running`; the sweep marks it
failed, because its advisory lock went with the connection. A live import is never touched.
Issue 18, item 2."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from propintel.db.engine import create_engine_for, unit_of_work
from propintel.ingest import service
from propintel.ingest.repository import ImportRepository

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def import_engine(import_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_for(import_url, pool_size=1)
    yield engine
    await engine.dispose()


async def start_held_import(url: str, tmp_path: Path) -> asyncio.subprocess.Process:
    (tmp_path / "held.csv").write_text("anything\n")
    (tmp_path / "hold").touch()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.ingest.held_import",
        url,
        str(tmp_path / "held.csv"),
        str(tmp_path / "hold"),
        str(tmp_path / "loading"),
        cwd=ROOT,
        env=dict(os.environ),
    )
    for _ in range(600):
        if await asyncio.to_thread((tmp_path / "loading").exists):
            return process
        await asyncio.sleep(0.1)
    process.kill()
    raise TimeoutError("the import never started loading")


def run_status(url: str) -> list[tuple[str, str, str | None]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT source_file, status, error FROM import_runs").fetchall()
    return [(row[0], row[1], row[2]) for row in rows]


async def sweep(engine: AsyncEngine, started_before_s: float = 0) -> list[uuid.UUID]:
    async with unit_of_work(engine) as session:
        return await ImportRepository.from_session(session).fail_abandoned_runs(
            service.ABANDONED, started_before_s
        )


async def test_a_killed_import_is_failed_and_a_live_one_is_not(
    import_url: str, import_engine: AsyncEngine, tmp_path: Path
) -> None:
    importer = await start_held_import(import_url, tmp_path)
    try:
        assert await sweep(import_engine) == []  # alive: its lock is held
        assert run_status(import_url) == [("held.csv", "running", None)]
    finally:
        importer.send_signal(signal.SIGKILL)
        await importer.wait()
    assert importer.returncode == -signal.SIGKILL
    assert run_status(import_url) == [("held.csv", "running", None)]  # what the kill left

    assert await sweep(import_engine, started_before_s=60) == []  # too recent for the service
    [failed] = await sweep(import_engine)
    assert run_status(import_url) == [("held.csv", "failed", service.ABANDONED)]
    async with unit_of_work(import_engine) as session:
        assert (await service.import_run(session, failed)).status == "failed"
