"""Local accounts: password credentials, sessions and API tokens, log-in attempts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE local_credentials (
  user_id UUID PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
  password_hash TEXT NOT NULL,
  password_changed_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE auth_sessions (
  session_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  kind VARCHAR(10) NOT NULL CHECK (kind IN ('web', 'api')),
  token_hash CHAR(64) NOT NULL UNIQUE,
  created_at TIMESTAMP NOT NULL DEFAULT NOW(),
  expires_at TIMESTAMP NOT NULL,
  revoked_at TIMESTAMP
);
CREATE INDEX idx_auth_sessions_user_id ON auth_sessions(user_id);

CREATE TABLE login_attempts (
  attempt_id BIGSERIAL PRIMARY KEY,
  email VARCHAR(255) NOT NULL,
  ip_address VARCHAR(64) NOT NULL,
  succeeded BOOLEAN NOT NULL,
  attempted_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_login_attempts_email ON login_attempts(email, attempted_at DESC);
CREATE INDEX idx_login_attempts_ip ON login_attempts(ip_address, attempted_at DESC);

CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
"""

DOWNGRADE = """
DROP EXTENSION IF EXISTS pg_stat_statements;
DROP TABLE IF EXISTS login_attempts;
DROP TABLE IF EXISTS auth_sessions;
DROP TABLE IF EXISTS local_credentials;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
