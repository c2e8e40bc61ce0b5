"""Users, local accounts, sessions and API tokens, Firebase ID tokens, roles."""
