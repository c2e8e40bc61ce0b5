"""Local adapters: offline simulators used when no vendor credentials are configured."""
