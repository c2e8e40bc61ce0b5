"""Tokens: reservations (holds), account suspension, refund and purchase idempotency.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# token_reservations: a hold on a user's balance for an action whose size is known only afterwards
# (a call). The hold itself is a token_transactions row of type 'reservation' (negative), its end a
# 'reservation_release' row (positive) plus, when settled, a token_usage_logs row: the balance stays
# re-derivable from the ledgers alone (docs/tokens.md).
UPGRADE = """
ALTER TABLE users ADD COLUMN suspended_at TIMESTAMP;
ALTER TABLE token_usage_logs ADD COLUMN reference VARCHAR(255);
ALTER TABLE token_transactions ADD COLUMN usage_log_id UUID REFERENCES token_usage_logs(log_id);

CREATE UNIQUE INDEX uq_token_transactions_refund_of_usage ON token_transactions (usage_log_id)
  WHERE transaction_type = 'refund';
CREATE UNIQUE INDEX uq_token_purchases_payment_intent ON token_purchases (stripe_payment_intent_id)
  WHERE stripe_payment_intent_id IS NOT NULL;
CREATE INDEX idx_token_usage_logs_user_timestamp ON token_usage_logs (user_id, timestamp);

CREATE TABLE token_reservations (
  reservation_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  action_type VARCHAR(50) NOT NULL REFERENCES token_pricing(action_type),
  unit_tokens INTEGER NOT NULL CHECK (unit_tokens >= 0),
  tokens_held INTEGER NOT NULL CHECK (tokens_held >= 0),
  tokens_charged INTEGER CHECK (tokens_charged >= 0 AND tokens_charged <= tokens_held),
  reference VARCHAR(255),
  status VARCHAR(10) NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'settled', 'released')),
  created_at TIMESTAMP NOT NULL DEFAULT NOW(),
  settled_at TIMESTAMP,
  CHECK ((status = 'held') = (settled_at IS NULL))
);
CREATE INDEX idx_token_reservations_user_held ON token_reservations (user_id)
  WHERE status = 'held';
"""

DOWNGRADE = """
DROP TABLE IF EXISTS token_reservations;
DROP INDEX IF EXISTS idx_token_usage_logs_user_timestamp;
DROP INDEX IF EXISTS uq_token_purchases_payment_intent;
DROP INDEX IF EXISTS uq_token_transactions_refund_of_usage;
ALTER TABLE token_transactions DROP COLUMN IF EXISTS usage_log_id;
ALTER TABLE token_usage_logs DROP COLUMN IF EXISTS reference;
ALTER TABLE users DROP COLUMN IF EXISTS suspended_at;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
