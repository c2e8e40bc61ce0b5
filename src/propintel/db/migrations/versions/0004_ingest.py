"""The data pipeline: import runs and quarantine, sale history, dated signal records, and the
property and FSBO columns that importers, matchers and scoring need.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE import_runs (
  run_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  kind VARCHAR(40) NOT NULL,
  source_file TEXT NOT NULL,
  file_size BIGINT,
  file_sha256 CHAR(64),
  requested_by UUID REFERENCES users(user_id) ON DELETE SET NULL,
  requested_by_label VARCHAR(255),
  started_at TIMESTAMP NOT NULL DEFAULT NOW(),
  finished_at TIMESTAMP,
  status VARCHAR(12) NOT NULL DEFAULT 'running'
    CHECK (status IN ('running', 'succeeded', 'failed')),
  counts JSONB,
  error TEXT
);
CREATE INDEX idx_import_runs_started_at ON import_runs(started_at DESC);

CREATE TABLE import_quarantine (
  quarantine_id BIGSERIAL PRIMARY KEY,
  run_id UUID NOT NULL REFERENCES import_runs(run_id) ON DELETE CASCADE,
  line_number INTEGER,
  action VARCHAR(16) NOT NULL CHECK (action IN ('row_quarantined', 'field_nulled')),
  field VARCHAR(60),
  reason TEXT NOT NULL,
  raw_content TEXT
);
CREATE INDEX idx_import_quarantine_run_id ON import_quarantine(run_id, line_number);

CREATE TABLE property_sales (
  sale_id BIGSERIAL PRIMARY KEY,
  folio_number VARCHAR(50) NOT NULL,
  sale_year SMALLINT NOT NULL,
  sale_month SMALLINT NOT NULL CHECK (sale_month BETWEEN 1 AND 12),
  sale_date DATE NOT NULL,
  sale_day_exact BOOLEAN NOT NULL DEFAULT FALSE,
  sale_price INTEGER,
  qualification_code VARCHAR(2),
  vacant_or_improved VARCHAR(1),
  or_book VARCHAR(12),
  or_page VARCHAR(12),
  clerk_number VARCHAR(20),
  multi_parcel BOOLEAN,
  source VARCHAR(10) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT NOW(),
  CONSTRAINT uq_property_sales_deed UNIQUE NULLS NOT DISTINCT
    (folio_number, sale_year, sale_month, or_book, or_page, sale_price)
);
CREATE INDEX idx_property_sales_folio ON property_sales(folio_number, sale_date DESC);

CREATE TABLE property_signals (
  signal_id BIGSERIAL PRIMARY KEY,
  property_id UUID REFERENCES properties(property_id) ON DELETE CASCADE,
  folio_number VARCHAR(50),
  signal_type VARCHAR(30) NOT NULL CHECK (signal_type ~ '^[a-z][a-z0-9_]*$'),
  status VARCHAR(12) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'cancelled')),
  recorded_date DATE,
  closed_date DATE,
  source VARCHAR(50) NOT NULL,
  reference VARCHAR(120) NOT NULL,
  detail JSONB,
  match_method VARCHAR(20),
  first_seen_at TIMESTAMP NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMP NOT NULL DEFAULT NOW(),
  CONSTRAINT uq_property_signals_record UNIQUE (source, signal_type, reference)
);
CREATE INDEX idx_property_signals_property ON property_signals(property_id, signal_type);
CREATE INDEX idx_property_signals_open ON property_signals(signal_type, property_id)
  WHERE status = 'open';

ALTER TABLE properties
  ADD COLUMN dor_use_code VARCHAR(4),
  ADD COLUMN homestead BOOLEAN,
  ADD COLUMN legal_description TEXT,
  ADD COLUMN address_key TEXT,
  ADD COLUMN mailing_state VARCHAR(60),
  ADD COLUMN data_issues JSONB;
CREATE INDEX idx_properties_address_key ON properties(address_key);
CREATE INDEX idx_properties_street_key ON properties((split_part(address_key, ' UNIT ', 1)));
-- The matcher's own keys (ingest/matching.py: legal_key_sql, owner_key_sql), so lis pendens and
-- probate filings match by legal description or owner name with an index lookup.
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

ALTER TABLE fsbo_listings
  ADD COLUMN folio_number VARCHAR(50),
  ADD COLUMN listing_address TEXT,
  ADD COLUMN address_key TEXT,
  ADD COLUMN listed_date DATE,
  ADD COLUMN updated_at TIMESTAMP DEFAULT NOW();
CREATE UNIQUE INDEX uq_fsbo_listings_url ON fsbo_listings(listing_url);
"""

DOWNGRADE = """
DROP INDEX IF EXISTS uq_fsbo_listings_url;
ALTER TABLE fsbo_listings
  DROP COLUMN IF EXISTS folio_number, DROP COLUMN IF EXISTS listing_address,
  DROP COLUMN IF EXISTS address_key, DROP COLUMN IF EXISTS listed_date,
  DROP COLUMN IF EXISTS updated_at;
DROP INDEX IF EXISTS idx_properties_owner_key;
DROP INDEX IF EXISTS idx_properties_legal_key;
DROP INDEX IF EXISTS idx_properties_street_key;
DROP INDEX IF EXISTS idx_properties_address_key;
ALTER TABLE properties
  DROP COLUMN IF EXISTS dor_use_code, DROP COLUMN IF EXISTS homestead,
  DROP COLUMN IF EXISTS legal_description, DROP COLUMN IF EXISTS address_key,
  DROP COLUMN IF EXISTS mailing_state, DROP COLUMN IF EXISTS data_issues;
DROP TABLE IF EXISTS property_signals;
DROP TABLE IF EXISTS property_sales;
DROP TABLE IF EXISTS import_quarantine;
DROP TABLE IF EXISTS import_runs;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
