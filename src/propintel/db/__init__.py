"""Database access: URLs, engine and sessions, the embedded cluster, migrations."""
