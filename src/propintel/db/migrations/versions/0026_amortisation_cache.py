"""The mortgage amortisation table of each day, stored once instead of computed per property page.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# One row per as-of date: the three arrays scoring/mortgage.py's amortisation CTE builds (~13,000
# dates each). The explanation of one property's score read them by computing all of them (~25 ms
# of the database's CPU per property page); it now stores them the first time a day asks.
UPGRADE = """
CREATE TABLE scoring_amortisation (
    as_of DATE PRIMARY KEY,
    paid INTEGER[] NOT NULL,
    fk DOUBLE PRECISION[] NOT NULL,
    g DOUBLE PRECISION[] NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
"""

DOWNGRADE = """
DROP TABLE IF EXISTS scoring_amortisation;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
