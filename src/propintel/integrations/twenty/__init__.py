"""Twenty CRM (REST API, Bearer API key)."""
