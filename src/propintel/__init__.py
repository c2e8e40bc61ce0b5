"""PropIntel: Miami-Dade property intelligence."""

__version__ = "0.1.0"
