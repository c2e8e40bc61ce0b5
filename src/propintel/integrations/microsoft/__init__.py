"""Microsoft adapters (Microsoft 365 calendar through Graph)."""
