"""A contractor's Google Business place id, linked from its public profile.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# The spec keeps google_place_id on contractor_reviews (a review imported from Google); a
# contractor's own place id lives on its profile, where its public page finds it.
UPGRADE = """
ALTER TABLE subscriber_profiles ADD COLUMN google_place_id VARCHAR(255);
"""

DOWNGRADE = """
ALTER TABLE subscriber_profiles DROP COLUMN IF EXISTS google_place_id;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
