"""Saved searches: a search's criteria kept under a name, with optional daily or weekly alerts of
the properties it newly matches (docs/leads.md)."""
