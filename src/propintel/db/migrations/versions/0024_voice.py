"""AI voice calls, the subscriber's phone numbers and calendar booking.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

# docs/voice.md. The spec's tables keep their columns; what calls, numbers and calendars need:
# - a number's name, provider (twilio or local), monthly price and release time; its monthly cost
#   recorded once per number and month (phone_number_costs);
# - a call's progress (status and times), the template spoken, the language, the hold that pays
#   for it and its settlement, the conversation's turns, what the callee said about an
#   appointment, and the provider's call id unique (a status callback finds its call);
# - a calendar's state (a revoked token marks it broken, with the reason), the account it belongs
#   to, the local calendar's secret feed token; one calendar per subscriber;
# - calendar_events: the appointments booked, one per call (the idempotency key), with the id the
#   provider gave it;
# - local_phone_numbers and local_voice_calls: the offline simulator's telephone network.
UPGRADE = """
ALTER TABLE subscriber_phone_numbers
  ADD COLUMN friendly_name VARCHAR(64),
  ADD COLUMN provider VARCHAR(20) NOT NULL DEFAULT 'twilio',
  ADD COLUMN monthly_cost_usd NUMERIC(10, 4),
  ADD COLUMN released_at TIMESTAMP;

CREATE TABLE phone_number_costs (
  cost_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  phone_id UUID NOT NULL REFERENCES subscriber_phone_numbers(phone_id) ON DELETE CASCADE,
  user_id UUID REFERENCES users(user_id) ON DELETE SET NULL,
  period_start DATE NOT NULL,
  cost_usd NUMERIC(10, 4) NOT NULL,
  recorded_at TIMESTAMP NOT NULL DEFAULT NOW(),
  CONSTRAINT uq_phone_number_costs_period UNIQUE (phone_id, period_start)
);
CREATE INDEX idx_phone_number_costs_period ON phone_number_costs (period_start);

ALTER TABLE ai_voice_call_logs
  ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'queued',
  ADD COLUMN template_id UUID REFERENCES ai_call_templates(template_id) ON DELETE SET NULL,
  ADD COLUMN from_number VARCHAR(20),
  ADD COLUMN language VARCHAR(5) NOT NULL DEFAULT 'en',
  ADD COLUMN time_limit_seconds INTEGER,
  ADD COLUMN reservation_id UUID,
  ADD COLUMN usage_log_id UUID REFERENCES token_usage_logs(log_id),
  ADD COLUMN turns JSONB NOT NULL DEFAULT '[]',
  ADD COLUMN answered_by VARCHAR(30),
  ADD COLUMN message TEXT,
  ADD COLUMN appointment_at TIMESTAMP,
  ADD COLUMN answered_at TIMESTAMP,
  ADD COLUMN ended_at TIMESTAMP,
  ADD COLUMN error TEXT,
  ADD COLUMN updated_at TIMESTAMP DEFAULT NOW();
CREATE UNIQUE INDEX uq_ai_voice_call_logs_sid ON ai_voice_call_logs (twilio_call_sid)
  WHERE twilio_call_sid IS NOT NULL;

ALTER TABLE calendar_integrations
  ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'connected',
  ADD COLUMN broken_reason TEXT,
  ADD COLUMN broken_at TIMESTAMP,
  ADD COLUMN account_email VARCHAR(255),
  ADD COLUMN feed_token VARCHAR(64),
  ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT 'America/New_York',
  ADD COLUMN connected_at TIMESTAMP DEFAULT NOW();
CREATE UNIQUE INDEX uq_calendar_integrations_user ON calendar_integrations (user_id);
CREATE UNIQUE INDEX uq_calendar_integrations_feed ON calendar_integrations (feed_token)
  WHERE feed_token IS NOT NULL;

CREATE TABLE calendar_events (
  event_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  lead_id UUID REFERENCES saved_leads(lead_id) ON DELETE SET NULL,
  call_id UUID REFERENCES ai_voice_call_logs(call_id) ON DELETE SET NULL,
  integration_id UUID REFERENCES calendar_integrations(integration_id) ON DELETE SET NULL,
  provider VARCHAR(20) NOT NULL,
  idempotency_key VARCHAR(64) NOT NULL,
  external_id VARCHAR(255),
  summary VARCHAR(255) NOT NULL,
  description TEXT,
  location TEXT,
  attendee_email VARCHAR(255),
  starts_at TIMESTAMP NOT NULL,
  ends_at TIMESTAMP NOT NULL,
  status VARCHAR(20) NOT NULL DEFAULT 'pending',
  error TEXT,
  created_at TIMESTAMP NOT NULL DEFAULT NOW(),
  booked_at TIMESTAMP,
  CONSTRAINT uq_calendar_events_key UNIQUE (idempotency_key)
);
CREATE INDEX idx_calendar_events_user ON calendar_events (user_id, starts_at);
CREATE INDEX idx_calendar_events_lead ON calendar_events (lead_id) WHERE lead_id IS NOT NULL;

CREATE TABLE local_phone_numbers (
  phone_sid VARCHAR(64) PRIMARY KEY,
  phone_number VARCHAR(20) NOT NULL,
  friendly_name VARCHAR(64),
  voice_url TEXT,
  status_callback TEXT,
  created_at TIMESTAMP NOT NULL DEFAULT NOW(),
  released_at TIMESTAMP
);
CREATE UNIQUE INDEX uq_local_phone_numbers_active ON local_phone_numbers (phone_number)
  WHERE released_at IS NULL;

CREATE TABLE local_voice_calls (
  call_sid VARCHAR(64) PRIMARY KEY,
  direction VARCHAR(20) NOT NULL,
  from_number VARCHAR(20) NOT NULL,
  to_number VARCHAR(20) NOT NULL,
  status VARCHAR(20) NOT NULL,
  url TEXT,
  status_callback TEXT,
  time_limit INTEGER,
  machine_detection BOOLEAN NOT NULL DEFAULT FALSE,
  answered_by VARCHAR(30),
  created_at TIMESTAMP NOT NULL DEFAULT NOW(),
  answered_at TIMESTAMP,
  ended_at TIMESTAMP
);
CREATE INDEX idx_local_voice_calls_created ON local_voice_calls (created_at DESC);
"""

DOWNGRADE = """
DROP TABLE IF EXISTS local_voice_calls;
DROP TABLE IF EXISTS local_phone_numbers;
DROP TABLE IF EXISTS calendar_events;
DROP INDEX IF EXISTS uq_calendar_integrations_feed;
DROP INDEX IF EXISTS uq_calendar_integrations_user;
ALTER TABLE calendar_integrations
  DROP COLUMN IF EXISTS status,
  DROP COLUMN IF EXISTS broken_reason,
  DROP COLUMN IF EXISTS broken_at,
  DROP COLUMN IF EXISTS account_email,
  DROP COLUMN IF EXISTS feed_token,
  DROP COLUMN IF EXISTS time_zone,
  DROP COLUMN IF EXISTS connected_at;
DROP INDEX IF EXISTS uq_ai_voice_call_logs_sid;
ALTER TABLE ai_voice_call_logs
  DROP COLUMN IF EXISTS status,
  DROP COLUMN IF EXISTS template_id,
  DROP COLUMN IF EXISTS from_number,
  DROP COLUMN IF EXISTS language,
  DROP COLUMN IF EXISTS time_limit_seconds,
  DROP COLUMN IF EXISTS reservation_id,
  DROP COLUMN IF EXISTS usage_log_id,
  DROP COLUMN IF EXISTS turns,
  DROP COLUMN IF EXISTS answered_by,
  DROP COLUMN IF EXISTS message,
  DROP COLUMN IF EXISTS appointment_at,
  DROP COLUMN IF EXISTS answered_at,
  DROP COLUMN IF EXISTS ended_at,
  DROP COLUMN IF EXISTS error,
  DROP COLUMN IF EXISTS updated_at;
DROP TABLE IF EXISTS phone_number_costs;
ALTER TABLE subscriber_phone_numbers
  DROP COLUMN IF EXISTS friendly_name,
  DROP COLUMN IF EXISTS provider,
  DROP COLUMN IF EXISTS monthly_cost_usd,
  DROP COLUMN IF EXISTS released_at;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
