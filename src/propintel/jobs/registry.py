"""Which background jobs exist: declared once with ``@job``, registered on every job app.

A job is an async function ``(session, **kwargs) -> detail``. The worker runs it inside one unit of
work (one transaction, committed when it returns, rolled back when it raises). Declaring jobs here
rather than with ``@app.task`` keeps the Procrastinate app lazy: any number of apps (one per
database, as tests need) can be built from the same declarations.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from procrastinate.retry import RetryValue
from procrastinate.types import JSONDict

# Modules whose import declares jobs. A domain that adds a tasks.py lists it here.
JOB_MODULES: tuple[str, ...] = (
    "propintel.jobs.tasks",
    "propintel.ingest.tasks",
    "propintel.maintenance.tasks",
    "propintel.scoring.tasks",
    "propintel.billing.tasks",
    "propintel.leads.tasks",
    "propintel.saved_searches.tasks",
    "propintel.outreach.tasks",
    "propintel.marketplace.tasks",
    "propintel.marketplace.verification_tasks",
    "propintel.voice.calls_tasks",
    "propintel.voice.numbers_tasks",
    "propintel.voice.calendar_tasks",
)

# Queues keep kinds of work from waiting behind each other: `propintel run` gives the bulk queue
# a worker of its own, so a payment or a provider's event is never stuck behind a 200 MB import.
DEFAULT_QUEUE = "default"
PAYMENTS_QUEUE = "payments"  # Stripe events, auto-recharges: money the user is waiting for
WEBHOOKS_QUEUE = "webhooks"  # what providers tell us (SMS, e-mail, call events, bookings)
BULK_QUEUE = "bulk"  # long, heavy work: imports, the score refresh, backups, vacuum
QUEUES = (PAYMENTS_QUEUE, WEBHOOKS_QUEUE, DEFAULT_QUEUE, BULK_QUEUE)

JobFunction = Callable[..., Awaitable[JSONDict | None]]
F = TypeVar("F", bound=JobFunction)


class UnknownJob(LookupError):
    """No job is declared under this name (a typo would otherwise fail only in the worker)."""


@dataclass(frozen=True)
class JobDefinition:
    """A job and the defaults its deferred instances get (see Procrastinate's ``Task``)."""

    name: str
    func: JobFunction
    queue: str = DEFAULT_QUEUE
    retry: RetryValue = False
    lock: str | None = None
    queueing_lock: str | None = None
    # A job whose worker died mid-run goes back to the queue (its transaction rolled back, so
    # nothing of it stayed), unless retrying could repeat the fault: then it is failed.
    retry_stalled: bool = True


_JOBS: dict[str, JobDefinition] = {}


def job(
    name: str,
    *,
    queue: str = DEFAULT_QUEUE,
    retry: RetryValue = False,
    lock: str | None = None,
    queueing_lock: str | None = None,
    retry_stalled: bool = True,
) -> Callable[[F], F]:
    """Declare ``func`` as the job ``name`` (``domain.action``); the function is returned as is."""

    def declare(func: F) -> F:
        existing = _JOBS.get(name)
        if existing is not None and existing.func is not func:
            raise ValueError(f"job {name!r} is already declared by {existing.func.__qualname__}")
        _JOBS[name] = JobDefinition(name, func, queue, retry, lock, queueing_lock, retry_stalled)
        return func

    return declare


def declared_jobs() -> Mapping[str, JobDefinition]:
    """Every declared job, after importing the modules that declare them."""
    for module in JOB_MODULES:
        importlib.import_module(module)
    return dict(_JOBS)


def job_definition(name: str, jobs: Mapping[str, JobDefinition] | None = None) -> JobDefinition:
    found = (jobs if jobs is not None else declared_jobs()).get(name)
    if found is None:
        raise UnknownJob(f"no background job is declared as {name!r}")
    return found
