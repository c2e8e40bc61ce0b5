"""Importers of public record formats: stream, COPY into staging, one set-based upsert."""
