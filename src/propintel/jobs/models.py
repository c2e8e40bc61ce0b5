"""``job_runs``: one row per execution of a periodic job (migration 0003); the two tables of
Procrastinate's queue the repository reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Integer, String, Table, func
from sqlalchemy.dialects.postgresql import ENUM, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from propintel.db.base import Base


class JobRun(Base):
    """Times are New York wall-clock (``TIMESTAMP`` without zone, the database's time zone)."""

    __tablename__ = "job_runs"

    run_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    task_name: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(10))  # running | ok | failed
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    job_id: Mapped[int | None] = mapped_column(BigInteger)  # the queue's job (0025); inline: none


# Procrastinate's queue (its own schema, applied with ours): only what the repository reads.
JOB_STATUS = ENUM(
    "todo",
    "doing",
    "succeeded",
    "failed",
    "cancelled",
    "aborting",
    "aborted",
    name="procrastinate_job_status",
    create_type=False,
)
procrastinate_jobs = Table(
    "procrastinate_jobs",
    Base.metadata,
    Column("id", BigInteger, primary_key=True),
    Column("task_name", String(128)),
    Column("status", JOB_STATUS),
    Column("queue_name", String(128)),
    Column("attempts", Integer),
    Column("queueing_lock", String),
    Column("worker_id", BigInteger),
)
procrastinate_workers = Table(
    "procrastinate_workers",
    Base.metadata,
    Column("id", BigInteger, primary_key=True),
    Column("last_heartbeat", DateTime(timezone=True)),
)
procrastinate_events = Table(
    "procrastinate_events",
    Base.metadata,
    Column("id", BigInteger, primary_key=True),
    Column("job_id", BigInteger),
    Column("at", DateTime(timezone=True)),
)
