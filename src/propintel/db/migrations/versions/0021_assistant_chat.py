"""The assistant's chat: conversations (threads) and what each answer cost and used.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# The spec's conversation_history holds one row per message; a conversation groups them (the chat
# page's list), optionally about one saved lead. An answer records the model, the LLM tokens in and
# out, the latency, the credits charged and, when it is a draft, the script type it drafts
# (docs/assistant.md).
UPGRADE = """
CREATE TABLE assistant_threads (
  thread_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  lead_id UUID REFERENCES saved_leads(lead_id) ON DELETE SET NULL,
  title VARCHAR(200) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_assistant_threads_user ON assistant_threads (user_id, updated_at DESC, thread_id);

ALTER TABLE conversation_history
  ADD COLUMN thread_id UUID REFERENCES assistant_threads(thread_id) ON DELETE CASCADE,
  ADD COLUMN model VARCHAR(200),
  ADD COLUMN prompt_tokens INTEGER,
  ADD COLUMN completion_tokens INTEGER,
  ADD COLUMN latency_ms INTEGER,
  ADD COLUMN credits_charged INTEGER,
  ADD COLUMN draft_type VARCHAR(20);
CREATE INDEX idx_conversation_history_thread
  ON conversation_history (thread_id, timestamp, conversation_id) WHERE thread_id IS NOT NULL;
"""

DOWNGRADE = """
DROP INDEX IF EXISTS idx_conversation_history_thread;
ALTER TABLE conversation_history
  DROP COLUMN IF EXISTS draft_type,
  DROP COLUMN IF EXISTS credits_charged,
  DROP COLUMN IF EXISTS latency_ms,
  DROP COLUMN IF EXISTS completion_tokens,
  DROP COLUMN IF EXISTS prompt_tokens,
  DROP COLUMN IF EXISTS model,
  DROP COLUMN IF EXISTS thread_id;
DROP TABLE IF EXISTS assistant_threads;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
