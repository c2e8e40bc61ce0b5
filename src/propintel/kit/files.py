"""Uploaded files, behind an interface so web and worker machines can share them.

``LocalFileStore`` keeps them under the data directory: right for one machine (the embedded
default). Several machines need an object-storage implementation of the same protocol.

Each upload gets a directory of its own and keeps its own name inside it, so whatever reads the
file (an importer refusing it, a worker failing on it) names the file the user uploaded, never
our storage key or path.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
import uuid
from pathlib import Path, PureWindowsPath
from typing import BinaryIO, Protocol

# What a file name cannot hold here: path separators and control characters.
UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")
MAX_NAME_BYTES = 200  # file systems allow 255 bytes


class FileStore(Protocol):
    def save(self, stream: BinaryIO, filename: str) -> str:
        """Store the stream; returns the key to find it again."""
        ...

    def local_path(self, key: str) -> Path:
        """A local path of the stored file (object storage would download it first)."""
        ...

    def delete(self, key: str) -> None:
        """Forget the stored file (nothing happens if it is gone already)."""
        ...


def stored_name(filename: str) -> str:
    """The upload's own name as it is kept: its last path component (browsers on Windows may
    send a whole path), separators and control characters replaced, shortened to what a file
    system accepts."""
    name = UNSAFE_IN_NAME.sub("_", PureWindowsPath(filename).name).strip()
    name = name.encode()[:MAX_NAME_BYTES].decode(errors="ignore")
    return name if name not in ("", ".", "..") else "upload"


class LocalFileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, stream: BinaryIO, filename: str) -> str:
        key = f"{uuid.uuid4().hex}/{stored_name(filename)}"
        path = self.root / key
        path.parent.mkdir(parents=True)
        with path.open("wb") as target:
            shutil.copyfileobj(stream, target, 1024 * 1024)
        return key

    def local_path(self, key: str) -> Path:
        root = self.root.resolve()
        path = (root / key).resolve()
        if root not in path.parents:
            raise ValueError("invalid file key")
        return path

    def prune(self, older_than_s: float, now: float | None = None) -> int:
        """Delete every stored file last written more than ``older_than_s`` seconds before ``now``
        (by default the current time), with its directory; returns how many were deleted."""
        cutoff = (time.time() if now is None else now) - older_than_s
        if not self.root.is_dir():
            return 0
        deleted = 0
        for directory in self.root.iterdir():
            if not directory.is_dir() or directory.is_symlink():
                continue
            for path in directory.iterdir():
                if path.is_file() and path.stat().st_mtime < cutoff:
                    self.delete(f"{directory.name}/{path.name}")
                    deleted += 1
        return deleted

    def delete(self, key: str) -> None:
        path = self.local_path(key)
        path.unlink(missing_ok=True)
        if path.parent != self.root.resolve():  # the upload's own directory, never the root
            with contextlib.suppress(FileNotFoundError):
                path.parent.rmdir()
