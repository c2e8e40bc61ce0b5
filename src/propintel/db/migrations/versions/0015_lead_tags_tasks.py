"""Lists and follow-ups on leads: tags, follow-up tasks with due dates, the daily digest record.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-07
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

# saved_leads.tags: the subscriber's labels of a lead ("May mailer", "Hot"); a list is a tag.
# Adding a column with a constant default rewrites nothing. The GIN index serves the tag filter
# (tags && ARRAY[...]). The count is capped here as well as in the code (leads/tags.py).
# lead_tasks: follow-ups with a New York due date; the partial index serves "what is open and
# due" per user (the dashboard, GET /api/v1/tasks, the morning digest), the other a lead's list.
# lead_task_digests: the last New York day a user was sent the follow-up digest, so the job sends
# at most one a day however often it runs.
UPGRADE = """
ALTER TABLE saved_leads
  ADD COLUMN tags TEXT[] NOT NULL DEFAULT '{}',
  ADD CONSTRAINT ck_saved_leads_tags_count CHECK (cardinality(tags) <= 20);
CREATE INDEX idx_saved_leads_tags ON saved_leads USING GIN (tags);

CREATE TABLE lead_tasks (
  task_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  lead_id UUID NOT NULL REFERENCES saved_leads(lead_id) ON DELETE CASCADE,
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  title VARCHAR(200) NOT NULL CHECK (btrim(title) <> ''),
  due_date DATE NOT NULL,
  done_at TIMESTAMP,
  created_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_lead_tasks_user_due_open ON lead_tasks (user_id, due_date) WHERE done_at IS NULL;
CREATE INDEX idx_lead_tasks_lead ON lead_tasks (lead_id);

CREATE TABLE lead_task_digests (
  user_id UUID PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
  sent_on DATE NOT NULL,
  sent_at TIMESTAMP NOT NULL DEFAULT NOW()
);
"""

DOWNGRADE = """
DROP TABLE IF EXISTS lead_task_digests;
DROP TABLE IF EXISTS lead_tasks;
DROP INDEX IF EXISTS idx_saved_leads_tags;
ALTER TABLE saved_leads DROP CONSTRAINT IF EXISTS ck_saved_leads_tags_count,
  DROP COLUMN IF EXISTS tags;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
