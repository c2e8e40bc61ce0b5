"""Saved leads and their pipeline; saved searches and their alerts."""
