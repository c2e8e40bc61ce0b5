"""Property search: criteria shared by the API, the pages and saved searches; plan gating; the SQL;
the search and property pages; CSV export."""
