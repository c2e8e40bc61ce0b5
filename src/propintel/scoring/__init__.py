"""Scoring: detection rules for every intent indicator, the set-based refresh that writes scores,
flags and ``property_intents``, the mortgage/equity estimate, data quality, and explanations.

Semantics: ARCHITECTURE.md ("Scoring semantics"); details and decisions: docs/scoring.md.
"""
