"""Jobs that survive a killed worker: each periodic run knows its queue job; imports move to the
bulk queue.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

# job_runs.job_id lets the stalled-job sweep close the run a dead worker left `running` (runs of
# a job run inline by a command have none). Waiting imports follow the queue's new name.
UPGRADE = """
ALTER TABLE job_runs ADD COLUMN job_id BIGINT;
CREATE INDEX idx_job_runs_job_id ON job_runs (job_id) WHERE job_id IS NOT NULL;
UPDATE procrastinate_jobs SET queue_name = 'bulk' WHERE queue_name = 'imports' AND status = 'todo';
"""

DOWNGRADE = """
UPDATE procrastinate_jobs SET queue_name = 'imports'
 WHERE task_name = 'ingest.import_file' AND status = 'todo';
DROP INDEX IF EXISTS idx_job_runs_job_id;
ALTER TABLE job_runs DROP COLUMN IF EXISTS job_id;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
