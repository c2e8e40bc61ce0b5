"""Outreach: plan features, owner contact unlocks, the compliance guard's records, SMS and e-mail
logs, e-mail sequences, CRM connections; the webhook inbox serves every provider.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# webhook_events: billing's inbox (0007) now stores every provider's events (source = stripe,
# twilio, sendgrid…), once per (source, event id); a job per source handles them.
# property_contacts: one skip-trace result per property (shared: the provider is paid once per
# freshness window); contact_unlocks: which subscriber may see it (and the charge that paid).
# outreach_consents, dnc_numbers, outreach_opt_outs (user_id NULL = the whole platform) and
# outreach_attempts (every check the guard made, allowed or blocked, with the rule) are the
# compliance guard's records. conversation_history gains the SMS thread of a lead;
# email_workflow_logs the recipient, sequence step, bounce/unsubscribe and the charge;
# email_sequences holds a lead's multi-step sequence. crm_connections: a subscriber's Twenty
# workspace (API key encrypted); crm_contacts gains the lead, the opportunity and the sync state;
# local_crm_records and local_sms_messages are the offline CRM and SMS simulators' stores.
# email_outbox keeps the headers (the List-Unsubscribe link); subscriber_profiles gains the postal
# address CAN-SPAM requires.
UPGRADE = """
ALTER TABLE billing_events RENAME TO webhook_events;
ALTER INDEX billing_events_pkey RENAME TO webhook_events_pkey;
ALTER INDEX billing_events_source_event_id_key RENAME TO webhook_events_source_event_id_key;
ALTER INDEX idx_billing_events_unprocessed RENAME TO idx_webhook_events_unprocessed;

CREATE TABLE property_contacts (
  property_id UUID PRIMARY KEY REFERENCES properties(property_id) ON DELETE CASCADE,
  matched BOOLEAN NOT NULL,
  phones JSONB NOT NULL DEFAULT '[]',
  emails JSONB NOT NULL DEFAULT '[]',
  provider VARCHAR(20) NOT NULL,
  provider_cost DECIMAL(10,6),
  enriched_at TIMESTAMP NOT NULL
);

CREATE TABLE contact_unlocks (
  unlock_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  property_id UUID NOT NULL REFERENCES properties(property_id) ON DELETE CASCADE,
  unlocked_at TIMESTAMP NOT NULL DEFAULT NOW(),
  usage_log_id UUID REFERENCES token_usage_logs(log_id),
  UNIQUE (user_id, property_id)
);
CREATE INDEX idx_contact_unlocks_property ON contact_unlocks (property_id);

CREATE TABLE outreach_consents (
  consent_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  contact VARCHAR(255) NOT NULL,
  channel VARCHAR(10) NOT NULL CHECK (channel IN ('sms', 'call', 'email')),
  source VARCHAR(50) NOT NULL,
  evidence TEXT NOT NULL,
  consented_at TIMESTAMP NOT NULL,
  recorded_at TIMESTAMP NOT NULL DEFAULT NOW(),
  revoked_at TIMESTAMP
);
CREATE INDEX idx_outreach_consents_contact ON outreach_consents (user_id, contact);

CREATE TABLE dnc_numbers (
  phone VARCHAR(20) PRIMARY KEY,
  area_code CHAR(3) NOT NULL,
  source VARCHAR(20) NOT NULL DEFAULT 'national',
  imported_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_dnc_numbers_area_code ON dnc_numbers (area_code);

CREATE TABLE outreach_opt_outs (
  opt_out_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID REFERENCES users(user_id) ON DELETE CASCADE,
  contact VARCHAR(255) NOT NULL,
  channel VARCHAR(10) NOT NULL CHECK (channel IN ('sms', 'call', 'email', 'all')),
  reason VARCHAR(50) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE UNIQUE INDEX uq_outreach_opt_outs ON outreach_opt_outs
  (COALESCE(user_id, '00000000-0000-0000-0000-000000000000'::uuid), contact, channel);
CREATE INDEX idx_outreach_opt_outs_contact ON outreach_opt_outs (contact);

CREATE TABLE outreach_attempts (
  attempt_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  property_id UUID REFERENCES properties(property_id) ON DELETE SET NULL,
  lead_id UUID REFERENCES saved_leads(lead_id) ON DELETE SET NULL,
  channel VARCHAR(10) NOT NULL CHECK (channel IN ('sms', 'call', 'email')),
  contact VARCHAR(255) NOT NULL,
  attempted_at TIMESTAMP NOT NULL,
  allowed BOOLEAN NOT NULL,
  rule VARCHAR(40),
  message TEXT
);
CREATE INDEX idx_outreach_attempts_contact ON outreach_attempts (contact, attempted_at DESC)
  WHERE allowed;
CREATE INDEX idx_outreach_attempts_property ON outreach_attempts (property_id, attempted_at DESC)
  WHERE allowed;
CREATE INDEX idx_outreach_attempts_user ON outreach_attempts (user_id, attempted_at DESC);

ALTER TABLE conversation_history
  ADD COLUMN lead_id UUID REFERENCES saved_leads(lead_id) ON DELETE CASCADE,
  ADD COLUMN channel VARCHAR(10) NOT NULL DEFAULT 'chat' CHECK (channel IN ('chat', 'sms')),
  ADD COLUMN contact VARCHAR(255),
  ADD COLUMN sender VARCHAR(20),
  ADD COLUMN provider_message_id VARCHAR(64),
  ADD COLUMN delivery_status VARCHAR(20),
  ADD COLUMN usage_log_id UUID REFERENCES token_usage_logs(log_id),
  ADD COLUMN read_at TIMESTAMP;
CREATE UNIQUE INDEX uq_conversation_history_provider_message
  ON conversation_history (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX idx_conversation_history_lead ON conversation_history (lead_id, timestamp)
  WHERE lead_id IS NOT NULL;
CREATE INDEX idx_conversation_history_sms_contact ON conversation_history (contact, timestamp DESC)
  WHERE channel = 'sms';

CREATE TABLE email_sequences (
  sequence_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  lead_id UUID NOT NULL REFERENCES saved_leads(lead_id) ON DELETE CASCADE,
  name VARCHAR(255) NOT NULL,
  to_email VARCHAR(255) NOT NULL,
  steps JSONB NOT NULL,
  status VARCHAR(20) NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'paused', 'finished', 'stopped')),
  pause_reason VARCHAR(30),
  next_step INTEGER NOT NULL DEFAULT 0,
  next_send_at TIMESTAMP,
  started_at TIMESTAMP NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_email_sequences_due ON email_sequences (next_send_at) WHERE status = 'active';
CREATE UNIQUE INDEX uq_email_sequences_open_per_lead ON email_sequences (lead_id)
  WHERE status IN ('active', 'paused');
CREATE INDEX idx_email_sequences_user ON email_sequences (user_id, started_at DESC);

ALTER TABLE email_workflow_logs
  ADD COLUMN to_email VARCHAR(255),
  ADD COLUMN sequence_id UUID REFERENCES email_sequences(sequence_id) ON DELETE SET NULL,
  ADD COLUMN step_number INTEGER,
  ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'sent',
  ADD COLUMN bounced_at TIMESTAMP,
  ADD COLUMN unsubscribed_at TIMESTAMP,
  ADD COLUMN usage_log_id UUID REFERENCES token_usage_logs(log_id);
CREATE INDEX idx_email_workflow_logs_message ON email_workflow_logs (sendgrid_message_id);

ALTER TABLE email_outbox ADD COLUMN headers JSONB NOT NULL DEFAULT '{}';
ALTER TABLE subscriber_profiles ADD COLUMN postal_address TEXT;

CREATE TABLE crm_connections (
  user_id UUID PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
  provider VARCHAR(20) NOT NULL DEFAULT 'twenty',
  base_url TEXT NOT NULL,
  api_key_encrypted TEXT NOT NULL,
  connected_at TIMESTAMP NOT NULL DEFAULT NOW()
);

ALTER TABLE crm_contacts
  ADD COLUMN lead_id UUID REFERENCES saved_leads(lead_id) ON DELETE SET NULL,
  ADD COLUMN twenty_opportunity_id VARCHAR(255),
  ADD COLUMN sync_status VARCHAR(20) NOT NULL DEFAULT 'pending'
    CHECK (sync_status IN ('pending', 'synced', 'failed')),
  ADD COLUMN sync_error TEXT,
  ADD COLUMN sync_attempts INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN next_sync_at TIMESTAMP;
CREATE UNIQUE INDEX uq_crm_contacts_lead ON crm_contacts (lead_id) WHERE lead_id IS NOT NULL;

CREATE TABLE local_crm_records (
  record_id VARCHAR(64) PRIMARY KEY,
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  kind VARCHAR(20) NOT NULL CHECK (kind IN ('person', 'opportunity')),
  payload JSONB NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_local_crm_records_user ON local_crm_records (user_id, created_at DESC);

CREATE TABLE local_sms_messages (
  message_sid VARCHAR(64) PRIMARY KEY,
  from_number VARCHAR(20) NOT NULL,
  to_number VARCHAR(20) NOT NULL,
  body TEXT NOT NULL,
  status VARCHAR(20) NOT NULL,
  status_callback TEXT,
  created_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_local_sms_messages_phone ON local_sms_messages (to_number, created_at DESC);
"""

DOWNGRADE = """
DROP TABLE IF EXISTS local_sms_messages;
DROP TABLE IF EXISTS local_crm_records;
DROP INDEX IF EXISTS uq_crm_contacts_lead;
ALTER TABLE crm_contacts
  DROP COLUMN IF EXISTS next_sync_at,
  DROP COLUMN IF EXISTS sync_attempts,
  DROP COLUMN IF EXISTS sync_error,
  DROP COLUMN IF EXISTS sync_status,
  DROP COLUMN IF EXISTS twenty_opportunity_id,
  DROP COLUMN IF EXISTS lead_id;
DROP TABLE IF EXISTS crm_connections;
ALTER TABLE subscriber_profiles DROP COLUMN IF EXISTS postal_address;
ALTER TABLE email_outbox DROP COLUMN IF EXISTS headers;
DROP INDEX IF EXISTS idx_email_workflow_logs_message;
ALTER TABLE email_workflow_logs
  DROP COLUMN IF EXISTS usage_log_id,
  DROP COLUMN IF EXISTS unsubscribed_at,
  DROP COLUMN IF EXISTS bounced_at,
  DROP COLUMN IF EXISTS status,
  DROP COLUMN IF EXISTS step_number,
  DROP COLUMN IF EXISTS sequence_id,
  DROP COLUMN IF EXISTS to_email;
DROP TABLE IF EXISTS email_sequences;
DROP INDEX IF EXISTS idx_conversation_history_sms_contact;
DROP INDEX IF EXISTS idx_conversation_history_lead;
DROP INDEX IF EXISTS uq_conversation_history_provider_message;
ALTER TABLE conversation_history
  DROP COLUMN IF EXISTS read_at,
  DROP COLUMN IF EXISTS usage_log_id,
  DROP COLUMN IF EXISTS delivery_status,
  DROP COLUMN IF EXISTS provider_message_id,
  DROP COLUMN IF EXISTS sender,
  DROP COLUMN IF EXISTS contact,
  DROP COLUMN IF EXISTS channel,
  DROP COLUMN IF EXISTS lead_id;
DROP TABLE IF EXISTS outreach_attempts;
DROP TABLE IF EXISTS outreach_opt_outs;
DROP TABLE IF EXISTS dnc_numbers;
DROP TABLE IF EXISTS outreach_consents;
DROP TABLE IF EXISTS contact_unlocks;
DROP TABLE IF EXISTS property_contacts;
ALTER INDEX idx_webhook_events_unprocessed RENAME TO idx_billing_events_unprocessed;
ALTER INDEX webhook_events_source_event_id_key RENAME TO billing_events_source_event_id_key;
ALTER INDEX webhook_events_pkey RENAME TO billing_events_pkey;
ALTER TABLE webhook_events RENAME TO billing_events;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
