"""The spec schema: extensions, New York timezone, every table, index and seed row.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from propintel.db.sqlfiles import read_sql, run_sql_script

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Reverse creation order, so foreign keys never block a drop.
SPEC_TABLES = [
    "admin_audit_logs",
    "ai_cost_config",
    "token_bundles",
    "subscription_plans",
    "crm_contacts",
    "contractor_reviews",
    "job_bids",
    "homeowner_jobs",
    "calendar_integrations",
    "ai_call_templates",
    "subscriber_phone_numbers",
    "email_workflow_logs",
    "ai_voice_call_logs",
    "conversation_history",
    "token_transactions",
    "token_usage_logs",
    "company_token_pool",
    "token_purchases",
    "token_pricing",
    "saved_searches",
    "saved_leads",
    "subscriber_knowledge_base",
    "subscriber_scripts",
    "property_intents",
    "intent_indicators",
    "fsbo_listings",
    "properties",
    "homeowner_profiles",
    "subscriber_profiles",
    "users",
]

SET_DATABASE_TIMEZONE = """
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET timezone TO %L', current_database(), 'America/New_York');
END
$$;
"""

RESET_DATABASE_TIMEZONE = """
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I RESET timezone', current_database());
END
$$;
"""


def upgrade() -> None:
    # The spec's `SET timezone` lasts one session; the database-level setting makes it stick.
    run_sql_script(SET_DATABASE_TIMEZONE)
    run_sql_script(read_sql("0001_spec.sql"))


def downgrade() -> None:
    run_sql_script("".join(f"DROP TABLE IF EXISTS {name} CASCADE;\n" for name in SPEC_TABLES))
    run_sql_script('DROP EXTENSION IF EXISTS postgis; DROP EXTENSION IF EXISTS "uuid-ossp";')
    run_sql_script(RESET_DATABASE_TIMEZONE)
