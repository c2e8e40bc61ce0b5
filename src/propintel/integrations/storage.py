"""Stored files (uploads such as business logos): one interface, the local-disk adapter (default)
and the S3 adapter (any S3-compatible object storage), chosen once by settings
(``providers.file_storage``): S3 when ``PROPINTEL_STORAGE_BUCKET`` is set.

A key is ours, never the user's file name: ``<namespace>/<random>.<ext>`` in lowercase letters,
digits, ``-``, ``_`` and ``.`` with ``/`` between segments (``check_key``), so no key can climb out
of the storage root or name something we did not write. Keys under ``public/`` are served to
anyone at ``/media/<key>`` (logos are shown to homeowners); others (documents of the marketplace)
are served only by the routes that guard them.

The adapters are synchronous (file system, boto3): async callers run them in a worker thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Protocol

PUBLIC_PREFIX: Final = "public/"
MEDIA_PATH: Final = "/media/"
_KEY_RE: Final = re.compile(r"^[a-z0-9_-][a-z0-9._-]{0,127}(/[a-z0-9_-][a-z0-9._-]{0,127}){0,7}$")


class InvalidKey(ValueError):
    """Not a key we could have made (a path trick, a foreign name)."""


def check_key(key: str) -> str:
    if not _KEY_RE.match(key) or ".." in key or len(key) > 512:
        raise InvalidKey("invalid storage key")
    return key


def public_url(key: str) -> str:
    """Where the app serves a public key (``/media/public/...``)."""
    if not check_key(key).startswith(PUBLIC_PREFIX):
        raise InvalidKey("not a public key")
    return MEDIA_PATH + key


def key_of_public_url(url: str | None) -> str | None:
    """The key behind a URL made by ``public_url`` (None for anything else)."""
    if not url or not url.startswith(MEDIA_PATH + PUBLIC_PREFIX):
        return None
    try:
        return check_key(url.removeprefix(MEDIA_PATH))
    except InvalidKey:
        return None


@dataclass(frozen=True)
class StoredFile:
    data: bytes
    content_type: str


class StorageError(Exception):
    """The storage could not be reached or refused the operation."""


class FileStorage(Protocol):
    name: str

    def put(self, key: str, data: bytes, content_type: str) -> str:
        """Store ``data`` under ``key`` (replacing what was there); returns the key."""
        ...

    def get(self, key: str) -> StoredFile | None:
        """The stored bytes and their content type, or None when there is nothing at ``key``."""
        ...

    def delete(self, key: str) -> None:
        """Forget ``key`` (nothing happens if it is gone already)."""
        ...
