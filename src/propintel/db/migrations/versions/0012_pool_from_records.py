"""``properties.pool`` from the pool records already on file.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# From now on the signals importer keeps ``properties.pool`` true exactly when a pool record that
# is not cancelled is on the property, and ``has_pool`` reads only the column (docs/data.md,
# "Pools"). This fills the column for records imported before. It was never written otherwise,
# so nothing else is overwritten; the downgrade has nothing to restore.
UPGRADE = """
UPDATE properties p SET pool = TRUE, last_updated = now()
WHERE p.pool IS NOT TRUE AND EXISTS (
  SELECT 1 FROM property_signals r
  WHERE r.property_id = p.property_id AND r.signal_type = 'pool' AND r.status <> 'cancelled'
);
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    pass
