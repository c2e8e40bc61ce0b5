"""The catalog admins edit: subscription plans, token bundles, token pricing, AI cost config."""
