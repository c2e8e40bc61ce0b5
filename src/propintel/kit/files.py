"""Uploaded files, behind an interface so web and worker machines can share them.

``LocalFileStore`` keeps them under the data directory: right for one machine (the embedded
default). Several machines need an object-storage implementation of the same protocol.
"""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO, Protocol

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class FileStore(Protocol):
    def save(self, stream: BinaryIO, filename: str) -> str:
        """Store the stream; returns the key to find it again."""
        ...

    def local_path(self, key: str) -> Path:
        """A local path of the stored file (object storage would download it first)."""
        ...


class LocalFileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, stream: BinaryIO, filename: str) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        key = f"{uuid.uuid4().hex}_{SAFE_NAME.sub('_', Path(filename).name)[:120]}"
        with (self.root / key).open("wb") as target:
            shutil.copyfileobj(stream, target, 1024 * 1024)
        return key

    def local_path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if path.parent != self.root.resolve():
            raise ValueError("invalid file key")
        return path
