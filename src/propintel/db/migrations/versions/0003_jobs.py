"""Background jobs: Procrastinate's queue schema and ``job_runs`` (our record of periodic runs).

The Procrastinate schema is read from the installed package when this revision runs, so it
matches the library version installed then. Upgrading Procrastinate later needs a new revision
that applies the package's own delta scripts (``procrastinate/sql/migrations/*.sql``) between the
two versions; `procrastinate schema --migrations-path` prints where they are.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from procrastinate.schema import SchemaManager

from propintel.db.sqlfiles import run_sql_script

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JOB_RUNS = """
CREATE TABLE job_runs (
  run_id BIGSERIAL PRIMARY KEY,
  task_name VARCHAR(100) NOT NULL,
  started_at TIMESTAMP NOT NULL DEFAULT NOW(),
  finished_at TIMESTAMP,
  duration_ms INTEGER,
  outcome VARCHAR(10) NOT NULL CHECK (outcome IN ('running', 'ok', 'failed')),
  detail JSONB
);
CREATE INDEX idx_job_runs_task_started ON job_runs(task_name, started_at DESC);
"""

# Every Procrastinate object of the current schema, found by name: tables first (their indexes,
# triggers and sequences go with them), then functions, then enum and composite types. All the
# statements are written before the first runs: a CASCADE may already have dropped a later object
# (hence IF EXISTS), and its name must not be looked up after that.
DROP_PROCRASTINATE = r"""
DO $$
DECLARE
  statements TEXT[];
  statement TEXT;
BEGIN
  SELECT coalesce(array_agg(drop_sql ORDER BY step, drop_sql), '{}') INTO statements FROM (
    SELECT 1 AS step, format('DROP TABLE IF EXISTS %I.%I CASCADE', n.nspname, c.relname)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
       AND c.relname LIKE 'procrastinate\_%'
    UNION ALL
    SELECT 2, format('DROP ROUTINE IF EXISTS %I.%I(%s) CASCADE', n.nspname, p.proname,
                     pg_get_function_identity_arguments(p.oid))
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\_%'
    UNION ALL
    SELECT 3, format('DROP TYPE IF EXISTS %I.%I CASCADE', n.nspname, t.typname)
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      LEFT JOIN pg_class c ON c.oid = t.typrelid
     WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate\_%'
       AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND c.relkind = 'c'))
  ) AS objects(step, drop_sql);
  FOREACH statement IN ARRAY statements LOOP
    EXECUTE statement;
  END LOOP;
END
$$;
"""


def upgrade() -> None:
    run_sql_script(SchemaManager.get_schema())
    run_sql_script(JOB_RUNS)


def downgrade() -> None:
    run_sql_script("DROP TABLE IF EXISTS job_runs;")
    run_sql_script(DROP_PROCRASTINATE)
