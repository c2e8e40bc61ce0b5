"""BatchData (skip trace)."""
