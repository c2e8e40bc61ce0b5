"""Tokens: the ledger (charges, refunds, holds, purchases, plan allowances, admin adjustments), the
auto-recharges a spend opens, preferences, history, the pool. Prices come from the catalog."""
