"""Stored matcher keys on properties; the property a re-matched record or listing was matched to.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Revision 0004 indexed the matcher's keys as expressions over legal_description and owner_name.
# PostgreSQL evaluates every expression index again on each non-HOT update of a row (a score
# refresh writing an indexed score column, an import), ~37% of the cost of writing a property.
# The keys become plain columns that the importers write (ingest/matching.py), backfilled here
# with the keys' SQL as ingest/matching.py had it when this revision was written (legal_key_sql,
# owner_key_sql: accents folded, anything else than [A-Za-z0-9] one space, trimmed, upper case;
# owner keys without estate markers). The SQL is written out, not imported: a later change to
# the matcher must not change what this revision does.
UPGRADE = """
ALTER TABLE properties ADD COLUMN legal_key TEXT, ADD COLUMN owner_key TEXT;
UPDATE properties SET
  legal_key = NULLIF(upper(btrim(regexp_replace(
    translate(legal_description, 'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ',
              'AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy'),
    '[^A-Za-z0-9]+', ' ', 'g')) COLLATE "C"), ''),
  owner_key = NULLIF(regexp_replace(NULLIF(upper(btrim(regexp_replace(
    translate(owner_name, 'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ',
              'AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy'),
    '[^A-Za-z0-9]+', ' ', 'g')) COLLATE "C"), ''),
    '^(THE )?(EST|ESTATE) OF | (EST|ESTATE|DECEASED|DECD)$', '', 'g'), '')
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

# Back to revision 0004's expression indexes (the same expressions as above).
DOWNGRADE = """
ALTER TABLE fsbo_listings DROP COLUMN IF EXISTS previous_property_id;
ALTER TABLE property_signals DROP COLUMN IF EXISTS previous_property_id;
DROP INDEX IF EXISTS idx_properties_owner_key;
DROP INDEX IF EXISTS idx_properties_legal_key;
CREATE INDEX idx_properties_legal_key ON properties ((NULLIF(upper(btrim(regexp_replace(
  translate(legal_description, 'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ',
            'AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy'),
  '[^A-Za-z0-9]+', ' ', 'g')) COLLATE "C"), '')));
CREATE INDEX idx_properties_owner_key ON properties ((NULLIF(regexp_replace(NULLIF(upper(btrim(
  regexp_replace(
    translate(owner_name, 'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ',
              'AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy'),
    '[^A-Za-z0-9]+', ' ', 'g')) COLLATE "C"), ''),
  '^(THE )?(EST|ESTATE) OF | (EST|ESTATE|DECEASED|DECD)$', '', 'g'), '')));
ALTER TABLE properties DROP COLUMN IF EXISTS legal_key, DROP COLUMN IF EXISTS owner_key;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
