"""Stored matcher keys on properties; the property a re-matched record or listing was matched to.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""

from alembic import op
from psycopg import sql

from propintel.db.sqlfiles import run_sql_script
from propintel.ingest.matching import legal_key_sql, owner_key_sql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Revision 0004 indexed the matcher's keys as expressions over legal_description and owner_name.
# PostgreSQL evaluates every expression index again on each non-HOT update of a row (a score
# refresh writing an indexed score column, an import), ~37% of the cost of writing a property.
# The keys become plain columns that the importers write (ingest/matching.py), backfilled here
# with the matcher's own SQL, indexed where present.
UPGRADE = """
ALTER TABLE properties ADD COLUMN legal_key TEXT, ADD COLUMN owner_key TEXT;
UPDATE properties SET legal_key = {legal_key}, owner_key = {owner_key}
WHERE legal_description IS NOT NULL OR owner_name IS NOT NULL;
DROP INDEX idx_properties_legal_key;
DROP INDEX idx_properties_owner_key;
CREATE INDEX idx_properties_legal_key ON properties (legal_key) WHERE legal_key IS NOT NULL;
CREATE INDEX idx_properties_owner_key ON properties (owner_key) WHERE owner_key IS NOT NULL;

-- A record or listing moved to another property by a re-import names the one it left, so the
-- next incremental score refresh re-examines that property too (docs/scoring.md).
ALTER TABLE property_signals ADD COLUMN previous_property_id UUID;
ALTER TABLE fsbo_listings ADD COLUMN previous_property_id UUID;
"""

DOWNGRADE = """
ALTER TABLE fsbo_listings DROP COLUMN IF EXISTS previous_property_id;
ALTER TABLE property_signals DROP COLUMN IF EXISTS previous_property_id;
DROP INDEX IF EXISTS idx_properties_owner_key;
DROP INDEX IF EXISTS idx_properties_legal_key;
CREATE INDEX idx_properties_legal_key ON properties (({legal_key}));
CREATE INDEX idx_properties_owner_key ON properties (({owner_key}));
ALTER TABLE properties DROP COLUMN IF EXISTS legal_key, DROP COLUMN IF EXISTS owner_key;
"""


def _with_keys(script: str) -> str:
    """``script`` with the matcher's key expressions over the stored columns filled in."""
    driver_connection = op.get_bind().connection.driver_connection
    keys = {
        "legal_key": legal_key_sql(sql.Identifier("legal_description")),
        "owner_key": owner_key_sql(sql.Identifier("owner_name")),
    }
    return script.format(**{name: key.as_string(driver_connection) for name, key in keys.items()})


def upgrade() -> None:
    run_sql_script(_with_keys(UPGRADE))


def downgrade() -> None:
    run_sql_script(_with_keys(DOWNGRADE))
