"""Google adapters (Calendar)."""
