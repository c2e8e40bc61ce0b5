"""Billing: plans and credit bundles paid through Stripe (or the offline simulator), the webhook
inbox and its handlers, auto-recharge. The ledger itself is the ``tokens`` domain."""
