"""Importing the national Do-Not-Call registry's area-code files (the FTC's telemarketer
download) into ``dnc_numbers``, which the compliance guard checks before every text and call.

A file has one number a line, written ``3055551234``, ``305-555-1234`` or ``305,5551234`` (spaces
around it and a Windows line end are fine). A line in any other shape, or a number no US phone
can have (an area code or exchange starting with 0 or 1), is quarantined: counted by reason and
reported with its line number and text, never silently dropped. Blank lines are counted too.
Numbers already listed are left as they are (the list only grows: a number leaves it only by a
new registry file loaded into an emptied table, which this import never does)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.kit.clock import now_new_york
from propintel.kit.i18n import N_, _
from propintel.kit.phones import area_code, normalize_phone
from propintel.outreach.dnc_repository import DncRepository

BATCH = 5_000
MAX_LISTED = 1_000  # bad lines kept in a report with their text; all of them are counted
SOURCE = "national"

_SHAPES = (
    re.compile(r"^(\d{10})$"),
    re.compile(r"^(\d{3})-(\d{3})-(\d{4})$"),
    re.compile(r"^(\d{3}),(\d{7})$"),
)

BAD_FORMAT = N_("not a number in a known format (3055551234, 305-555-1234 or 305,5551234)")
NOT_A_US_NUMBER = N_("not a possible US number (its area code or exchange starts with 0 or 1)")
REASONS = {"format": BAD_FORMAT, "invalid": NOT_A_US_NUMBER}


def reason_text(code: str) -> str:
    """A bad line's reason in words, in the current language."""
    return _(REASONS[code]) if code in REASONS else code


@dataclass(frozen=True)
class BadLine:
    line: int  # 1-based, in its file
    reason: str  # a code of REASONS
    text: str  # the line as read (cut at 100 characters)

    @property
    def reason_text(self) -> str:
        return reason_text(self.reason)


def parse_line(raw: str) -> str | BadLine | None:
    """One line: its number in E.164, None for a blank line, or why it is bad (line 0)."""
    text = raw.strip().lstrip("\ufeff").strip()
    if not text:
        return None
    for shape in _SHAPES:
        match = shape.match(text)
        if match:
            phone = normalize_phone("".join(match.groups()))
            return phone if phone else BadLine(0, "invalid", text[:100])
    return BadLine(0, "format", text[:100])


@dataclass
class DncImport:
    """The report of one import: what was read, added, already listed, and every bad line."""

    name: str  # the file's name
    lines: int = 0
    blank: int = 0
    numbers: int = 0  # good lines
    distinct: int = 0  # distinct numbers among them
    added: int = 0  # new on the list
    bad: Counter[str] = field(default_factory=Counter)  # reason code -> lines
    bad_lines: list[BadLine] = field(default_factory=list)  # the first MAX_LISTED

    @property
    def bad_total(self) -> int:
        return sum(self.bad.values())

    @property
    def duplicates(self) -> int:
        """Good lines repeating a number seen earlier in the file."""
        return self.numbers - self.distinct

    @property
    def already_listed(self) -> int:
        return self.distinct - self.added

    @property
    def unlisted_bad(self) -> int:
        """Bad lines counted but not kept in ``bad_lines`` (beyond MAX_LISTED)."""
        return self.bad_total - len(self.bad_lines)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DncImport:
        """A report as ``as_dict`` wrote it (the audit trail keeps each import's)."""
        report = cls(
            name=str(data.get("file") or ""),
            lines=int(data.get("lines") or 0),
            blank=int(data.get("blank") or 0),
            numbers=int(data.get("numbers") or 0),
            distinct=int(data.get("distinct") or 0),
            added=int(data.get("added") or 0),
            bad=Counter({str(k): int(v) for k, v in (data.get("bad") or {}).items()}),
        )
        report.bad_lines = [
            BadLine(int(b["line"]), str(b["reason"]), str(b["text"]))
            for b in data.get("bad_lines") or []
        ]
        return report

    def as_dict(self, max_bad_lines: int = MAX_LISTED) -> dict[str, Any]:
        return {
            "file": self.name,
            "lines": self.lines,
            "blank": self.blank,
            "numbers": self.numbers,
            "distinct": self.distinct,
            "added": self.added,
            "already_listed": self.already_listed,
            "duplicates_in_file": self.duplicates,
            "bad": dict(self.bad),
            "bad_lines": [
                {"line": b.line, "reason": b.reason, "text": b.text}
                for b in self.bad_lines[:max_bad_lines]
            ],
        }


OnBadLine = Callable[[BadLine], None]
OnLine = Callable[[str], None]


def _batches(
    lines: Iterable[str], report: DncImport, on_bad: OnBadLine | None, on_line: OnLine | None
) -> Iterator[list[tuple[str, str]]]:
    batch: list[tuple[str, str]] = []
    for number, raw in enumerate(lines, start=1):
        report.lines = number
        if on_line is not None:
            on_line(raw)
        parsed = parse_line(raw)
        if parsed is None:
            report.blank += 1
        elif isinstance(parsed, BadLine):
            bad = BadLine(number, parsed.reason, parsed.text)
            report.bad[bad.reason] += 1
            if len(report.bad_lines) < MAX_LISTED:
                report.bad_lines.append(bad)
            if on_bad is not None:
                on_bad(bad)
        else:
            report.numbers += 1
            batch.append((parsed, area_code(parsed)))
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


async def import_dnc(
    session: AsyncSession,
    lines: Iterable[str],
    *,
    name: str,
    now: datetime | None = None,
    on_bad: OnBadLine | None = None,
    on_line: OnLine | None = None,
) -> DncImport:
    """Add the numbers of one registry file (its ``lines``, read as they come) to the list, in
    the session's transaction; the report counts every line. ``on_bad`` hears of each bad line
    (the command line writes them all out), ``on_line`` of each line read (a progress bar)."""
    report = DncImport(name=name)
    repo = DncRepository.from_session(session)
    staged, distinct, added = await repo.load(
        _batches(lines, report, on_bad, on_line), source=SOURCE, now=now or now_new_york()
    )
    assert staged == report.numbers
    report.distinct, report.added = distinct, added
    return report


async def counts_by_area_code(session: AsyncSession) -> list[tuple[str, int]]:
    """How many listed numbers each area code has, by area code."""
    return await DncRepository.from_session(session).counts_by_area_code()


async def listed_total(session: AsyncSession) -> int:
    return await DncRepository.from_session(session).total()
