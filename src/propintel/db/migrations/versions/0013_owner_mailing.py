"""The owner's mailing address in parts, and whether the owner lives elsewhere (absentee).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Direct mail needs the mailing address as street, city, state and ZIP (the spec's
# mailing_address is one line); absentee owners are the investor's first list. The NAL importer
# writes these with the other owner fields (docs/data.md §3); rows imported before keep NULL
# until the next roll import (an unchanged roll then writes exactly these columns).
UPGRADE = """
ALTER TABLE properties
  ADD COLUMN mailing_street TEXT,
  ADD COLUMN mailing_city TEXT,
  ADD COLUMN mailing_zip TEXT,
  ADD COLUMN absentee_owner BOOLEAN;
"""

DOWNGRADE = """
ALTER TABLE properties
  DROP COLUMN IF EXISTS absentee_owner,
  DROP COLUMN IF EXISTS mailing_zip,
  DROP COLUMN IF EXISTS mailing_city,
  DROP COLUMN IF EXISTS mailing_street;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
