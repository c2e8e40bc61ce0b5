"""Jobs a dead worker left ``doing``: found by their worker's silent heartbeat, then retried or
failed, so that nothing stays ``doing`` for good and a locked job's next run is not blocked.

A Procrastinate worker writes a heartbeat every 10 s. A worker killed (``kill -9``, out of
memory, the machine lost) or cut from the database stops writing it; after ``STALLED_AFTER_S``
its jobs are stalled. Each went back to nothing when its worker died (one job, one transaction),
so it is retried, unless its declaration says a retry could repeat the fault
(``retry_stalled=False``: imports), it stalled ``MAX_ATTEMPTS`` times already, or another
instance already waits under its queueing lock: then it is failed. Leaving ``doing`` frees its
lock. The run record of a periodic job (job_runs) says what happened.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.jobs.registry import JobDefinition, declared_jobs
from propintel.jobs.repository import JobRunRepository, QueueRepository

logger = logging.getLogger("propintel.jobs.stalled")

STALLED_AFTER_S = 60.0  # six missed heartbeats
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class RecoveredJob:
    job_id: int
    task_name: str
    retried: bool  # False: failed


async def recover_stalled_jobs(
    session: AsyncSession,
    *,
    stalled_after_s: float = STALLED_AFTER_S,
    jobs: Mapping[str, JobDefinition] | None = None,
) -> list[RecoveredJob]:
    """Retry or fail every stalled job (see the module's docstring); what was done to each."""
    queue = QueueRepository.from_session(session)
    definitions = declared_jobs() if jobs is None else jobs
    await queue.prune_stalled_workers(stalled_after_s)
    recovered = []
    for stalled in await queue.stalled(stalled_after_s):
        retried = _may_retry(stalled, definitions.get(stalled.task_name)) and not (
            await queue.another_waiting(stalled.id, stalled.queueing_lock)
        )
        await (queue.retry(stalled.id) if retried else queue.fail(stalled.id))
        recovered.append(RecoveredJob(stalled.id, stalled.task_name, retried))
        logger.warning(
            "stalled job %s[%d] (its worker stopped mid-run) %s",
            stalled.task_name,
            stalled.id,
            "queued again" if retried else "failed",
        )
    for retried in (True, False):
        ids = [job.job_id for job in recovered if job.retried is retried]
        if ids:
            await JobRunRepository.from_session(session).fail_running_of_jobs(
                ids, {"error": _RUN_ERROR[retried]}
            )
    return recovered


_RUN_ERROR = {
    True: "The worker running it stopped (killed, or cut from the database); queued again.",
    False: "The worker running it stopped (killed, or cut from the database); not retried.",
}


def _may_retry(stalled: Any, definition: JobDefinition | None) -> bool:
    return (
        definition is not None and definition.retry_stalled and stalled.attempts + 1 < MAX_ATTEMPTS
    )
