"""Admin controls: summaries, and later plans, prices, grants and the audit log."""
