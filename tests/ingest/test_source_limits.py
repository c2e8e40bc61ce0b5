"""Reading a source file never holds it whole: a file that is one huge line is refused by its first
line (with its number and the file's own name), memory stays bounded, and a row the CSV reader
cannot parse is refused with its line number."""

from __future__ import annotations

import csv
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from propintel.ingest import source
from propintel.ingest.errors import ImportRefused
from propintel.ingest.registry import importer_for

BIG_LINE = 6 * source.MAX_LINE_BYTES  # 96 MB on one line


def _one_line_file(path: Path, size: int) -> Path:
    chunk = b"A" * (1024 * 1024)
    with path.open("wb") as handle:
        handle.write(b"CO_NO,PARCEL_ID,")
        for _ in range(size // len(chunk)):
            handle.write(chunk)
    return path


@pytest.fixture
def huge(tmp_path: Path) -> Path:
    return _one_line_file(tmp_path / "Roll 2026.csv", BIG_LINE)


def test_a_one_line_file_is_refused_by_its_first_line_in_bounded_memory(huge: Path) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ImportRefused) as refused:
            importer_for("nal").check(huge)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.message.startswith("Roll 2026.csv: line 1 is longer than 16 MB")
    # A line's worth (16 MB) read and copied once, never the 96 MB file.
    assert peak < 3 * source.MAX_LINE_BYTES, peak


def test_a_long_line_further_down_is_refused_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    with path.open("wb") as handle:
        handle.write(b"A,B\n1,2\n3,4\n")
        handle.write(b"5," + b"x" * (source.MAX_LINE_BYTES + 10) + b"\n")
    opened = source.open_csv(path)
    try:
        with pytest.raises(ImportRefused, match=r"rows\.csv: line 4 is longer"):
            list(opened.rows())
    finally:
        opened.close()


def test_a_line_just_under_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(b"A,B\n1," + b"y" * (source.MAX_LINE_BYTES - 10) + b"\n")
    opened = source.open_csv(path)
    try:
        assert [line for line, _fields in opened.rows()] == [2]
    finally:
        opened.close()


@pytest.fixture
def small_field_limit() -> Iterator[None]:
    previous = csv.field_size_limit(64)
    yield
    csv.field_size_limit(previous)


@pytest.mark.usefixtures("small_field_limit")
def test_a_row_the_csv_reader_cannot_parse_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text('A,B\n1,2\n3,"' + "z\n" * 50 + '"\n')
    opened = source.open_csv(path)
    try:
        with pytest.raises(ImportRefused) as refused:
            list(opened.rows())
    finally:
        opened.close()
    message = refused.value.message
    assert message.startswith("quoted.csv: line ") and "is not valid CSV" in message
    line = int(message.split("line ")[1].split(" ")[0])
    assert 3 < line <= 53  # inside the runaway quoted field, not line 0 or 1
