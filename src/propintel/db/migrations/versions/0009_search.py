"""Search: the indexes lead search walks in order, and the log of CSV exports.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

# Each search orders by (score, property_id) for keyset pages. The expressions are exactly those of
# search/repository.py (NEW_HOMEOWNER_SCORE, DISTRESSED_SCORE, BEST_SCORE for searches without an
# intent): a (score, id) index lets a search
# walk the leads best first and stop after a page; a (zip, score, id) index does the same within
# a ZIP code. New homeowners (4%) get partial indexes; the distressed ones are over all rows,
# because more than half of all properties are distressed and a partial index would also be
# offered to the planner as a bitmap of all of them (see INTENT_CONDITION in the repository).
UPGRADE = """
CREATE INDEX idx_properties_search_new_homeowner ON properties
  ((COALESCE(new_homeowner_score, 0)), property_id) WHERE is_new_homeowner;
CREATE INDEX idx_properties_search_new_homeowner_zip ON properties
  (zip_code, (COALESCE(new_homeowner_score, 0)), property_id) WHERE is_new_homeowner;
CREATE INDEX idx_properties_search_distressed ON properties
  ((COALESCE(distressed_score, 0)), property_id);
CREATE INDEX idx_properties_search_distressed_zip ON properties
  (zip_code, (COALESCE(distressed_score, 0)), property_id);
CREATE INDEX idx_properties_search_best ON properties
  ((GREATEST(COALESCE(distressed_score, 0), COALESCE(new_homeowner_score, 0))), property_id);

CREATE TABLE search_exports (
  export_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  criteria JSONB NOT NULL,
  max_rows INTEGER NOT NULL CHECK (max_rows > 0),
  row_count INTEGER CHECK (row_count >= 0),
  created_at TIMESTAMP NOT NULL DEFAULT NOW(),
  finished_at TIMESTAMP
);
CREATE INDEX idx_search_exports_user_created ON search_exports (user_id, created_at DESC);
"""

DOWNGRADE = """
DROP TABLE IF EXISTS search_exports;
DROP INDEX IF EXISTS idx_properties_search_best;
DROP INDEX IF EXISTS idx_properties_search_distressed_zip;
DROP INDEX IF EXISTS idx_properties_search_distressed;
DROP INDEX IF EXISTS idx_properties_search_new_homeowner_zip;
DROP INDEX IF EXISTS idx_properties_search_new_homeowner;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
