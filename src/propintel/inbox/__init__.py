"""The webhook inbox: every provider's events stored once, then handled by a job."""
