"""Adapters for outside services, each behind one interface per capability."""
