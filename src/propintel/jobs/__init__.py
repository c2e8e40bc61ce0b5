"""Background jobs: the Procrastinate app, job declarations, the periodic schedule, run records.

Declare a job with ``propintel.jobs.registry.job`` (and list its module in ``JOB_MODULES``),
defer it with ``propintel.jobs.enqueue.defer_in_transaction``, schedule it in
``propintel.jobs.schedule.SCHEDULE``; ``propintel worker`` runs them.
"""
