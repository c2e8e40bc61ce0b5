"""Files on the local disk, under ``<data_dir>/media`` by default: right for one machine (the
embedded default, development, tests). Each file's content type is kept beside it
(``<file>.type``), as object storage keeps it with the object."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from propintel.integrations.storage import InvalidKey, StoredFile, check_key

TYPE_SUFFIX = ".type"


class LocalFileStorage:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        check_key(key)
        if key.endswith(TYPE_SUFFIX):
            raise InvalidKey("invalid storage key")
        root = self.root.resolve()
        path = (root / key).resolve()
        if root not in path.parents:
            raise InvalidKey("invalid storage key")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> str:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path.with_name(path.name + TYPE_SUFFIX), content_type.encode())
        _write_atomically(path, data)
        return key

    def get(self, key: str) -> StoredFile | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
            content_type = path.with_name(path.name + TYPE_SUFFIX).read_text().strip()
        except FileNotFoundError:
            return None
        return StoredFile(data, content_type or "application/octet-stream")

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        path.with_name(path.name + TYPE_SUFFIX).unlink(missing_ok=True)
        root = self.root.resolve()
        parent = path.parent
        while parent != root and root in parent.parents:  # empty directories of the key
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent


def _write_atomically(path: Path, data: bytes) -> None:
    """A reader sees the old file or the new one, never half of one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as target:
            target.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
