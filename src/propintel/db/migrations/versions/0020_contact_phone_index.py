"""The compliance guard finds a number's skip-trace flags (DNC, litigator) by containment.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# Every text and call asks whether any skip-trace result flags the number (``phones @>
# '[{"number": …, "litigator": true}]'``): a GIN index (jsonb_path_ops, which answers @>) keeps
# that one lookup from reading every stored result as unlocks accumulate.
UPGRADE = """
CREATE INDEX idx_property_contacts_phones ON property_contacts USING GIN (phones jsonb_path_ops);
"""

DOWNGRADE = """
DROP INDEX IF EXISTS idx_property_contacts_phones;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
