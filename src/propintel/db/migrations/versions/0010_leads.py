"""Leads: one saved lead per subscriber and property, lead history, saved-search matches, outbox.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# lead_events: the history of a lead (notes, logged contacts, status moves) in order; the spec's
# saved_leads.notes keeps the latest note, contact_attempts/last_contact_date the contact summary.
# saved_search_matches: every property a saved search has seen, so an alert names a property once
# (the baseline taken when alerts are switched on has alerted_at NULL).
# email_outbox: what the local email adapter "sent" (development and tests; nothing leaves).
UPGRADE = """
CREATE UNIQUE INDEX uq_saved_leads_user_property ON saved_leads (user_id, property_id);

CREATE TABLE lead_events (
  event_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  lead_id UUID NOT NULL REFERENCES saved_leads(lead_id) ON DELETE CASCADE,
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  kind VARCHAR(10) NOT NULL CHECK (kind IN ('note', 'contact', 'status')),
  body TEXT,
  channel VARCHAR(20),
  from_status VARCHAR(50),
  to_status VARCHAR(50),
  created_at TIMESTAMP NOT NULL DEFAULT NOW(),
  CHECK (kind <> 'status' OR to_status IS NOT NULL),
  CHECK (kind <> 'contact' OR channel IS NOT NULL),
  CHECK (kind <> 'note' OR body IS NOT NULL)
);
CREATE INDEX idx_lead_events_lead_seq ON lead_events (lead_id, seq DESC);

CREATE TABLE saved_search_matches (
  search_id UUID NOT NULL REFERENCES saved_searches(search_id) ON DELETE CASCADE,
  property_id UUID NOT NULL REFERENCES properties(property_id) ON DELETE CASCADE,
  first_seen_at TIMESTAMP NOT NULL DEFAULT NOW(),
  alerted_at TIMESTAMP,
  PRIMARY KEY (search_id, property_id)
);

CREATE TABLE email_outbox (
  email_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID REFERENCES users(user_id) ON DELETE CASCADE,
  to_email VARCHAR(255) NOT NULL,
  from_email VARCHAR(255) NOT NULL,
  subject VARCHAR(255) NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT,
  category VARCHAR(50),
  created_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_email_outbox_user_created ON email_outbox (user_id, created_at DESC);
"""

DOWNGRADE = """
DROP TABLE IF EXISTS email_outbox;
DROP TABLE IF EXISTS saved_search_matches;
DROP TABLE IF EXISTS lead_events;
DROP INDEX IF EXISTS uq_saved_leads_user_property;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
