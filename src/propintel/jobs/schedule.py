"""The periodic schedule: the one list of what runs when. Workers register it; docs and the admin
dashboard display it. Cron expressions are read in each entry's time zone (New York by default),
so ``0 3 * * *`` means 03:00 in Miami, summer and winter alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import croniter

from propintel.kit import clock
from propintel.kit.i18n import N_

NEW_YORK = "America/New_York"


@dataclass(frozen=True)
class PeriodicJob:
    """A declared job (see ``registry.job``) deferred by the workers on a cron schedule.

    Each run is recorded in ``job_runs``. The job function receives ``timestamp``: the Unix time
    of the tick it runs for. Only one instance per tick is ever deferred, however many workers run.
    """

    name: str
    cron: str
    description: str  # an English message id (N_): pages show it translated
    timezone: str = NEW_YORK

    def next_run(self, after: datetime) -> datetime:
        """The schedule's first tick after ``after``. Both are naive New York wall-clock times,
        the form ``job_runs.started_at`` holds; the cron is read in the job's own time zone."""
        start = after.replace(tzinfo=clock.NEW_YORK).astimezone(ZoneInfo(self.timezone))
        tick: datetime = croniter.croniter(self.cron, start).get_next(datetime)
        return tick.astimezone(clock.NEW_YORK).replace(tzinfo=None)


SCHEDULE: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        name="maintenance.heartbeat",
        cron="* * * * *",
        description=N_("Proves that a worker runs the schedule and the database answers."),
    ),
    PeriodicJob(
        name="maintenance.recover_stalled",
        cron="* * * * *",
        description=N_(
            "Stalled jobs: a job whose worker stopped mid-run (no heartbeat for a minute) is "
            "queued again or failed, which frees its lock; an import left running by a process "
            "that died is marked failed."
        ),
    ),
    PeriodicJob(
        name="scoring.refresh",
        cron="0 3 * * *",
        description=N_(
            "Score refresh: detects every indicator, writes the scores, flags and "
            "estimates that changed (days since sale move daily); Sundays: a full refresh."
        ),
    ),
    PeriodicJob(
        name="maintenance.reconcile_tokens",
        cron="0 * * * *",
        description=N_(
            "Recomputes the company token pool from the ledgers; lists users whose "
            "balance differs from their ledger (never changes a balance)."
        ),
    ),
    PeriodicJob(
        name="maintenance.backup",
        cron="0 2 * * *",
        description=N_(
            "pg_dump (custom format) into the backup directory; keeps the newest "
            "PROPINTEL_BACKUP_KEEP."
        ),
    ),
    PeriodicJob(
        name="maintenance.cleanup",
        cron="30 2 * * *",
        description=N_(
            "Retention: deletes conversation history and email logs older than the "
            "configured periods (90 and 180 days by default)."
        ),
    ),
    PeriodicJob(
        name="leads.send_alerts",
        cron="0 7 * * *",
        description=N_(
            "Saved-search alerts: one digest email per due search (daily ones every "
            "day, weekly ones 7 days after their last run) naming only properties new to it."
        ),
    ),
    PeriodicJob(
        name="leads.send_task_digest",
        cron="0 7 * * *",
        description=N_(
            "Follow-up digest: one email per subscriber with lead follow-ups overdue or "
            "due today (New York), at most one per day."
        ),
    ),
    PeriodicJob(
        name="maintenance.analyze",
        cron="0 4 * * 0",
        description=N_(
            "Parcels stored again in map order (CLUSTER), then VACUUM (ANALYZE) of the "
            "whole database, weekly."
        ),
    ),
    PeriodicJob(
        name="outreach.send_due_emails",
        cron="* * * * *",
        description=N_(
            "E-mail sequences: sends each active sequence's due step (or pauses it: reply, "
            "opt-out, bounce, lead won or lost, no credits)."
        ),
    ),
    PeriodicJob(
        name="outreach.crm_follow",
        cron="*/5 * * * *",
        description=N_(
            "CRM sync: queues the syncs of pushed leads that changed (status, notes) since "
            "they were synced, and the failed syncs whose retry time has come."
        ),
    ),
    PeriodicJob(
        name="marketplace.verification_expiry",
        cron="15 0 * * *",
        description=N_(
            "Contractor verification: approved contractors with an insurance, bond or license "
            "document that expired before today (New York) lose the verified badge and are "
            "e-mailed."
        ),
    ),
    PeriodicJob(
        name="marketplace.refund_unviewed_bids",
        cron="30 0 * * *",
        description=N_(
            "Marketplace: refunds each bid whose homeowner has not looked at the bids within 14 "
            "days of it (a contractor never pays for a dead lead)."
        ),
    ),
    PeriodicJob(
        name="voice.number_costs",
        cron="45 0 * * *",
        description=N_(
            "Phone numbers: records this month's cost of every number a subscriber holds (once "
            "per number and month) as a provider cost."
        ),
    ),
)
