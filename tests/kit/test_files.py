"""The upload store keeps each file under its own name, in a directory of its own."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from propintel.kit.files import LocalFileStore, stored_name


@pytest.mark.parametrize(
    ("uploaded", "kept"),
    [
        ("Roll 2026 (v2).csv", "Roll 2026 (v2).csv"),
        ("C:\\Users\\ana\\Desktop\\nal.csv", "nal.csv"),
        ("../../etc/passwd", "passwd"),
        ("..", "upload"),
        ("tab\there.csv", "tab_here.csv"),
        ("é" * 300, "é" * 100),
    ],
)
def test_stored_name_keeps_the_uploaded_name_where_it_can(uploaded: str, kept: str) -> None:
    assert stored_name(uploaded) == kept


def test_saved_file_is_found_by_its_key_and_deleted_with_its_directory(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    key = store.save(io.BytesIO(b"a,b\n"), "roll.csv")
    path = store.local_path(key)
    assert path.name == "roll.csv" and path.read_bytes() == b"a,b\n"
    store.delete(key)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("key", ["", ".", "abc/../..", "/etc/passwd"])
def test_a_key_outside_the_store_is_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="invalid file key"):
        LocalFileStore(tmp_path).local_path(key)
