"""Outreach jobs: webhook events of the SMS and e-mail providers, e-mail sequence steps, CRM
sync."""

from __future__ import annotations
