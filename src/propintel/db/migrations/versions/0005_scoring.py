"""Scoring: no schema change.

The score refresh (``propintel.scoring``) reads and writes only spec columns and the tables
and indexes of revision 0004 (``idx_property_signals_open`` for open records,
``idx_property_sales_folio`` for lis pendens resolved by a later sale). This revision keeps the
revision number that was allotted to scoring, on which later revisions chain.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to create."""


def downgrade() -> None:
    """Nothing to drop."""
