"""Working a lead: owner contact unlock (skip trace), the compliance guard, SMS, e-mail sequences
and CRM sync (docs/outreach.md)."""
