"""Demo data for development installs: accounts now, a synthetic Miami-Dade once imports exist."""
