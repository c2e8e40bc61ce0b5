"""Accounts: verified e-mail, language, erased accounts; single-use account links (e-mail
verification, password reset); what a session or API key shows on the security page.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# users.email_verified_at: when the address was proven (a link from our e-mail, or Firebase's
# verified claim). Accounts created before verification existed are taken as verified at their
# creation (docs/decisions/0007-accounts.md): they have been receiving our e-mail all along.
# users.preferred_locale: the language chosen on the profile or in the footer (NULL: the browser's).
# users.erased_at: the account was deleted by its owner; its personal data is erased, and the row
# stays because the ledger and invoices refer to it.
# account_links: a verification or reset link is a random secret (only its SHA-256 stored) inside a
# signed URL; it expires and is spent once (used_at). ``email``: the address a verification link
# proves (a changed address is verified before it replaces the old one).
# account_requests: e-mails asked for by address or network address (a forgotten password, a new
# verification link), counted per window to rate-limit them across processes; pruned when old.
# auth_sessions: the security page lists sessions (browser, address, last seen) and named API keys.
UPGRADE = """
ALTER TABLE users
  ADD COLUMN email_verified_at TIMESTAMP,
  ADD COLUMN preferred_locale VARCHAR(5) CHECK (preferred_locale IN ('en', 'es')),
  ADD COLUMN erased_at TIMESTAMP;
UPDATE users SET email_verified_at = COALESCE(created_at, NOW());

CREATE TABLE account_links (
  link_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  purpose VARCHAR(20) NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
  email VARCHAR(255) NOT NULL,
  secret_hash VARCHAR(64) NOT NULL UNIQUE,
  created_at TIMESTAMP NOT NULL DEFAULT NOW(),
  expires_at TIMESTAMP NOT NULL,
  used_at TIMESTAMP
);
CREATE INDEX idx_account_links_user_purpose ON account_links (user_id, purpose, created_at);

CREATE TABLE account_requests (
  request_id BIGSERIAL PRIMARY KEY,
  action VARCHAR(30) NOT NULL,
  subject VARCHAR(255) NOT NULL,
  requested_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_account_requests_action_subject
  ON account_requests (action, subject, requested_at);

ALTER TABLE auth_sessions
  ADD COLUMN name VARCHAR(100),
  ADD COLUMN user_agent VARCHAR(300),
  ADD COLUMN ip_address VARCHAR(64),
  ADD COLUMN last_seen_at TIMESTAMP;
"""

DOWNGRADE = """
ALTER TABLE auth_sessions DROP COLUMN IF EXISTS name, DROP COLUMN IF EXISTS user_agent,
  DROP COLUMN IF EXISTS ip_address, DROP COLUMN IF EXISTS last_seen_at;
DROP TABLE IF EXISTS account_requests;
DROP TABLE IF EXISTS account_links;
ALTER TABLE users DROP COLUMN IF EXISTS email_verified_at,
  DROP COLUMN IF EXISTS preferred_locale, DROP COLUMN IF EXISTS erased_at;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
