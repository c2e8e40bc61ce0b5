"""Scoring: what the last score refresh was based on, so the next one examines only what changed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# One row (``singleton``). ``snapshot_xmin``: the oldest transaction still running when the last
# refresh started; a row version written by a transaction at least that new may be unseen by it.
# ``refresh_xid``: that refresh's own transaction (its writes need no second look). ``basis``: what
# its results depend on besides the records (rules, weights, settings, year); when it differs, the
# next refresh examines every property. See docs/scoring.md.
UPGRADE = """
CREATE TABLE scoring_state (
  singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
  refreshed_at TIMESTAMP NOT NULL DEFAULT NOW(),
  as_of DATE NOT NULL,
  snapshot_xmin XID8 NOT NULL,
  refresh_xid XID8 NOT NULL,
  basis JSONB NOT NULL
);
"""

DOWNGRADE = """
DROP TABLE IF EXISTS scoring_state;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
