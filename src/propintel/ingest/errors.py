"""Why a file was refused as a whole (nothing is written for such a file)."""

from __future__ import annotations


class ImportRefused(Exception):
    """A fatal file problem: wrong type, unreadable encoding, missing required columns."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
