"""Where a ``next`` parameter may send the browser: only a path of this site.

An open redirect would let a phishing link bounce through us. Browsers read a backslash as a slash
and drop tabs and newlines from addresses, so ``/\\evil.example`` leads off-site just like
``//evil.example``: any backslash or control character is refused too."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_path(target: str | None, default: str = "/") -> str:
    """``target`` when it is a same-site path (``/…``, not ``//…``), else ``default``."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
