"""The assistant's retrieval: full-text search over a subscriber's knowledge base and scripts, in
English and Spanish.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# Each searchable table gets two stored generated tsvectors, one per text-search configuration
# (English and Spanish stemming: "roofs" finds "roof", "techos" finds "techo"), title weighted
# above body, each with a GIN index. Queries always filter by user_id as well (tenancy), so the
# planner combines the user's btree with the GIN index (docs/assistant.md).
UPGRADE = """
ALTER TABLE subscriber_knowledge_base
  ADD COLUMN search_en tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(content, '')), 'B')
  ) STORED,
  ADD COLUMN search_es tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('spanish', coalesce(title, '')), 'A')
    || setweight(to_tsvector('spanish', coalesce(content, '')), 'B')
  ) STORED;
CREATE INDEX idx_subscriber_kb_search_en ON subscriber_knowledge_base USING GIN (search_en);
CREATE INDEX idx_subscriber_kb_search_es ON subscriber_knowledge_base USING GIN (search_es);

ALTER TABLE subscriber_scripts
  ADD COLUMN search_en tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(script_name, '')), 'A')
    || setweight(to_tsvector('english', coalesce(script_content, '')), 'B')
  ) STORED,
  ADD COLUMN search_es tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('spanish', coalesce(script_name, '')), 'A')
    || setweight(to_tsvector('spanish', coalesce(script_content, '')), 'B')
  ) STORED;
CREATE INDEX idx_subscriber_scripts_search_en ON subscriber_scripts USING GIN (search_en);
CREATE INDEX idx_subscriber_scripts_search_es ON subscriber_scripts USING GIN (search_es);
"""

DOWNGRADE = """
DROP INDEX IF EXISTS idx_subscriber_scripts_search_es;
DROP INDEX IF EXISTS idx_subscriber_scripts_search_en;
ALTER TABLE subscriber_scripts DROP COLUMN IF EXISTS search_es, DROP COLUMN IF EXISTS search_en;
DROP INDEX IF EXISTS idx_subscriber_kb_search_es;
DROP INDEX IF EXISTS idx_subscriber_kb_search_en;
ALTER TABLE subscriber_knowledge_base
  DROP COLUMN IF EXISTS search_es,
  DROP COLUMN IF EXISTS search_en;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
