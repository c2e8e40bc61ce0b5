"""The site's own pages: the landing page, each role's dashboard, the local email outbox."""
