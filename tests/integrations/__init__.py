"""Tests of the outside-service adapters."""
