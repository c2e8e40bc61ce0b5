"""Maintenance: token reconciliation, retention, VACUUM/ANALYZE and reports, backup and restore.

Each operation is a plain function (``tokens``, ``retention``, ``database``, ``backup``; their SQL
in ``repository``) used by both the scheduled jobs (``tasks``) and ``propintel maintenance …``
(``cli``).
"""
