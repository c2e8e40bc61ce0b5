"""Billing: the webhook inbox, subscriptions, paid invoices, auto-recharges, the local checkout.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# billing_events: every provider event stored once (unique source + event id) before anything
# else happens; a job handles it. billing_subscriptions: the provider's subscription as last seen,
# with the creation time of the event that set it, so late (out-of-order) events never roll it
# back. billing_invoices: one row per paid invoice — the plan allowance is granted once per invoice
# and the Economics report reads plan revenue here. billing_recharges: one off-session top-up per
# dip (a partial unique index allows one pending recharge per user). local_checkout_sessions and
# local_payment_methods: state of the offline Stripe simulator (billing/local.py).
UPGRADE = """
CREATE TABLE billing_events (
  event_pk UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  source VARCHAR(20) NOT NULL,
  event_id VARCHAR(255) NOT NULL,
  event_type VARCHAR(100) NOT NULL,
  event_created TIMESTAMP NOT NULL,
  payload JSONB NOT NULL,
  received_at TIMESTAMP NOT NULL DEFAULT NOW(),
  processed_at TIMESTAMP,
  outcome TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  UNIQUE (source, event_id)
);
CREATE INDEX idx_billing_events_unprocessed ON billing_events (received_at)
  WHERE processed_at IS NULL;

CREATE TABLE billing_subscriptions (
  subscription_id VARCHAR(255) PRIMARY KEY,
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  plan_id UUID REFERENCES subscription_plans(plan_id),
  billing_interval VARCHAR(10) NOT NULL CHECK (billing_interval IN ('month', 'year')),
  status VARCHAR(20) NOT NULL,
  current_period_end TIMESTAMP,
  cancel_at_period_end BOOLEAN NOT NULL DEFAULT FALSE,
  last_event_created TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_billing_subscriptions_user ON billing_subscriptions (user_id);

CREATE TABLE billing_invoices (
  invoice_id VARCHAR(255) PRIMARY KEY,
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  subscription_id VARCHAR(255),
  plan_id UUID REFERENCES subscription_plans(plan_id),
  amount_paid DECIMAL(10,2) NOT NULL,
  tokens_granted INTEGER NOT NULL,
  transaction_id UUID REFERENCES token_transactions(transaction_id),
  paid_at TIMESTAMP NOT NULL
);
CREATE INDEX idx_billing_invoices_paid_at ON billing_invoices (paid_at);

CREATE TABLE billing_recharges (
  recharge_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  tokens INTEGER NOT NULL CHECK (tokens > 0),
  amount DECIMAL(10,2) NOT NULL,
  status VARCHAR(10) NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'succeeded', 'declined', 'failed')),
  payment_intent_id VARCHAR(255),
  failure_message TEXT,
  created_at TIMESTAMP NOT NULL DEFAULT NOW(),
  finished_at TIMESTAMP
);
CREATE UNIQUE INDEX uq_billing_recharges_one_pending ON billing_recharges (user_id)
  WHERE status = 'pending';
CREATE INDEX idx_billing_recharges_user_created ON billing_recharges (user_id, created_at DESC);

CREATE TABLE local_checkout_sessions (
  session_id VARCHAR(64) PRIMARY KEY,
  params JSONB NOT NULL,
  status VARCHAR(10) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'complete', 'expired')),
  created_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE local_payment_methods (
  customer_id VARCHAR(64) PRIMARY KEY,
  card_last4 VARCHAR(4) NOT NULL,
  declines_off_session BOOLEAN NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT NOW()
);
"""

DOWNGRADE = """
DROP TABLE IF EXISTS local_payment_methods;
DROP TABLE IF EXISTS local_checkout_sessions;
DROP TABLE IF EXISTS billing_recharges;
DROP TABLE IF EXISTS billing_invoices;
DROP TABLE IF EXISTS billing_subscriptions;
DROP TABLE IF EXISTS billing_events;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
