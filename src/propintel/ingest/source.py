"""Reading source files as streams of (line number, record) with byte-level progress.

CSV is parsed by header name, never by position (column sets change between roll years). Text is
UTF-8 when it proves to be, otherwise latin-1 (the DOR files are latin-1): each physical line is
decoded on its own, so a file never has to be read twice or held in memory. A line is read at
most ``MAX_LINE_BYTES`` at a time: a file that is one huge line (not CSV at all) is refused by its
first line without ever being held whole, and a malformed row is refused with its line number.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import ijson

from propintel.ingest.errors import ImportRefused
from propintel.kit.i18n import _

Record = dict[str, Any]
ProgressCallback = Callable[[int], None]
SNIFF_BYTES = 64 * 1024
MAX_LINE_BYTES = 16 * 1024 * 1024
csv.field_size_limit(MAX_LINE_BYTES)


@dataclass(frozen=True)
class FileFacts:
    path: Path
    size: int
    sha256: str


def require_file(path: Path) -> None:
    """A missing file is refused by its name alone: where we keep files is nobody's business
    (an admin's upload, stored under a generated directory, is named as uploaded)."""
    if not path.is_file():
        raise ImportRefused(_("{file}: no such file").format(file=path.name))


def file_facts(path: Path) -> FileFacts:
    require_file(path)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return FileFacts(path, path.stat().st_size, digest.hexdigest())


class CountingReader(io.RawIOBase):
    """A binary reader that reports how many bytes were consumed (for progress bars)."""

    def __init__(self, raw: IO[bytes], on_progress: ProgressCallback | None) -> None:
        self._raw = raw
        self._on_progress = on_progress
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self.consumed += len(data)
        if self._on_progress is not None:
            self._on_progress(len(data))
        return len(data)


def _refuse_binary(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise ImportRefused(
            _("{file}: not a text file (binary content or UTF-16 encoding)").format(file=path.name)
        )
    if head.startswith((b"PK\x03\x04", b"%PDF")):
        raise ImportRefused(
            _("{file}: a ZIP/XLSX or PDF file, not CSV; export it as CSV").format(file=path.name)
        )


class LineTooLong(Exception):
    """A physical line longer than ``MAX_LINE_BYTES``; ``line`` is its number (from 1)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _line_too_long(name: str, line: int) -> ImportRefused:
    return ImportRefused(
        _(
            "{file}: line {line} is longer than {size} MB; a CSV file has one record a line "
            "(is this the right file?)"
        ).format(file=name, line=line, size=MAX_LINE_BYTES // (1024 * 1024))
    )


def _decoded_lines(binary: IO[bytes]) -> Iterator[str]:
    """Each physical line, decoded; never more than ``MAX_LINE_BYTES`` read at once."""
    number = 0
    while raw_line := binary.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw_line) > MAX_LINE_BYTES and not raw_line.endswith(b"\n"):
            raise LineTooLong(number)
        try:
            yield raw_line.decode("utf-8")
        except UnicodeDecodeError:
            yield raw_line.decode("latin-1")


@dataclass
class CsvSource:
    """A CSV file read row by row: ``header`` (stripped names) and ``rows()``."""

    path: Path
    header: list[str]
    _binary: IO[bytes]
    _reader: Any

    def column_index(self) -> dict[str, int]:
        """Position of each column by upper-case name (the first one wins if a name repeats)."""
        index: dict[str, int] = {}
        for position, name in enumerate(self.header):
            index.setdefault(name.upper(), position)
        return index

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(first physical line number of the row, its fields). Blank lines are skipped; rows of
        the wrong width are yielded as they are, for the importer to quarantine."""
        line = self._reader.line_num
        try:
            for fields in self._reader:
                start, line = line + 1, self._reader.line_num
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue
                yield start, fields
        except LineTooLong as error:
            raise _line_too_long(self.path.name, error.line) from None
        except csv.Error as error:
            raise _not_csv(self.path.name, self._reader.line_num, error) from None

    def close(self) -> None:
        self._binary.close()


def open_csv(path: Path, on_progress: ProgressCallback | None = None) -> CsvSource:
    _refuse_binary(path)
    binary = io.BufferedReader(CountingReader(path.open("rb"), on_progress), 1024 * 1024)
    lines = _decoded_lines(binary)
    reader = csv.reader(_strip_bom(lines))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        binary.close()
        raise ImportRefused(_("{file}: the file is empty").format(file=path.name)) from None
    except LineTooLong as error:
        binary.close()
        raise _line_too_long(path.name, error.line) from None
    except csv.Error as error:
        binary.close()
        raise _not_csv(path.name, reader.line_num, error) from None
    return CsvSource(path, header, binary, reader)


def _not_csv(name: str, line: int, error: csv.Error) -> ImportRefused:
    return ImportRefused(
        _("{file}: line {line} is not valid CSV ({error})").format(
            file=name, line=line, error=error
        )
    )


def _strip_bom(lines: Iterable[str]) -> Iterator[str]:
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        return
    yield first.removeprefix("\ufeff")
    yield from iterator


def require_columns(
    name: str, header: Sequence[str], required: Iterable[str], *, any_of: Sequence[str] = ()
) -> None:
    """Refuse the file, naming every missing column, before anything is written."""
    present = {column.upper() for column in header}
    missing = [column for column in required if column.upper() not in present]
    if missing:
        raise ImportRefused(
            _("{file}: missing required column(s): {columns}").format(
                file=name, columns=", ".join(missing)
            )
        )
    if any_of and not any(column.upper() in present for column in any_of):
        raise ImportRefused(
            _("{file}: needs at least one of the columns: {columns}").format(
                file=name, columns=", ".join(any_of)
            )
        )


def json_records(
    path: Path, prefix: str, on_progress: ProgressCallback | None = None
) -> Iterator[tuple[int, Any]]:
    """Stream the items found at ``prefix`` (ijson syntax, e.g. ``features.item``), numbered from 1.

    JSON has no line numbers that mean anything for one-line exports: the item's position is used.
    """
    _refuse_binary(path)
    with path.open("rb") as raw:
        counting = CountingReader(raw, on_progress)
        try:
            yield from enumerate(ijson.items(counting, prefix, use_float=True), 1)
        except ijson.JSONError as error:
            message = _("{file}: not valid JSON ({error})").format(file=path.name, error=error)
            raise ImportRefused(message) from error
