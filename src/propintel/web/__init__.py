"""The web shell: templates, static assets, security middleware, error pages."""
