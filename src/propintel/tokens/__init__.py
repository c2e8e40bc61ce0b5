"""Tokens: pricing, the ledger (charges, refunds, holds, purchases, admin adjustments), the pool."""
