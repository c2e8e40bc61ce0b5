"""The Do-Not-Call registry import: the FTC download's shapes, bad lines quarantined with line
number and reason (none dropped silently), COPY + insert once, counts by area code; the
`propintel outreach dnc-import` command on a scratch database."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from propintel.cli import app
from propintel.config import Settings
from propintel.outreach import cli as outreach_cli
from propintel.outreach import compliance as guard
from propintel.outreach import dnc
from tests.factories import make_subscriber

SAMPLE = Path(__file__).parent.parent / "data" / "dnc_sample.txt"


def sample_lines() -> list[str]:
    with SAMPLE.open(encoding="utf-8", newline="") as lines:
        return list(lines)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3055551234\n", "+13055551234"),
        ("305-555-1234", "+13055551234"),
        ("305,5551234\r\n", "+13055551234"),
        ("  305-555-1234  ", "+13055551234"),
        ("\ufeff3055551234", "+13055551234"),
        ("", None),
        ("   \n", None),
        ("(305) 555-1234", dnc.BadLine(0, "format", "(305) 555-1234")),
        ("13055551234", dnc.BadLine(0, "format", "13055551234")),
        ("305-5551234", dnc.BadLine(0, "format", "305-5551234")),
        ("0555551234", dnc.BadLine(0, "invalid", "0555551234")),
        ("305,1551234", dnc.BadLine(0, "invalid", "305,1551234")),
    ],
)
def test_parse_line(raw: str, expected: str | dnc.BadLine | None) -> None:
    assert dnc.parse_line(raw) == expected


@given(
    st.integers(2, 9),
    st.integers(0, 99),
    st.integers(2, 9),
    st.integers(0, 99),
    st.integers(0, 9999),
)
def test_every_shape_of_one_number_reads_the_same(
    a: int, b: int, c: int, d: int, line: int
) -> None:
    npa, nxx, last = f"{a}{b:02d}", f"{c}{d:02d}", f"{line:04d}"
    shapes = {f"{npa}{nxx}{last}", f"{npa}-{nxx}-{last}", f"{npa},{nxx}{last}"}
    assert {dnc.parse_line(shape) for shape in shapes} == {f"+1{npa}{nxx}{last}"}


async def test_the_sample_file(db: AsyncSession) -> None:
    report = await dnc.import_dnc(db, sample_lines(), name="dnc_sample.txt")

    assert (report.lines, report.blank, report.numbers, report.distinct) == (15, 1, 9, 8)
    assert (report.added, report.already_listed, report.duplicates) == (8, 0, 1)
    assert report.bad == {"format": 3, "invalid": 2}
    assert [(bad.line, bad.reason, bad.text) for bad in report.bad_lines] == [
        (9, "format", "(305) 555-0106"),
        (10, "invalid", "0555550107"),
        (11, "invalid", "305-155-0108"),
        (12, "format", "30555501"),
        (13, "format", "phone"),
    ]
    # Every line is accounted for.
    assert report.lines == report.blank + report.numbers + report.bad_total
    assert await dnc.counts_by_area_code(db) == [("305", 5), ("786", 1), ("850", 1), ("954", 1)]
    stored = await db.execute(text("SELECT phone, area_code, source FROM dnc_numbers ORDER BY 1"))
    assert stored.first() == ("+13055550100", "305", "national")


async def test_importing_again_adds_nothing(db: AsyncSession) -> None:
    await dnc.import_dnc(db, sample_lines(), name="a")
    again = await dnc.import_dnc(db, [*sample_lines(), "3055550199\n"], name="b")
    assert (again.added, again.already_listed) == (1, 8)
    assert await dnc.listed_total(db) == 9


async def test_the_guard_refuses_an_imported_number(db: AsyncSession) -> None:
    from datetime import datetime

    user = await make_subscriber(db)
    await dnc.import_dnc(db, ["305-555-0101\n"], name="one")
    verdict = await guard.evaluate(
        db, user=user, channel=guard.Channel.SMS, contact="(305) 555-0101", property_id=None,
        lead_id=None, now=datetime(2026, 7, 1, 12),
    )  # fmt: skip
    assert verdict is not None and verdict.rule == guard.Rule.DNC


async def test_only_the_first_bad_lines_are_listed_but_all_are_counted(db: AsyncSession) -> None:
    heard: list[dnc.BadLine] = []
    lines = ["junk\n"] * (dnc.MAX_LISTED + 5)
    report = await dnc.import_dnc(db, lines, name="junk", on_bad=heard.append)
    assert report.bad_total == len(heard) == dnc.MAX_LISTED + 5
    assert len(report.bad_lines) == dnc.MAX_LISTED and report.unlisted_bad == 5


# --- the command --------------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def configured(import_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    settings = Settings(database_url=import_url, data_dir=tmp_path, _env_file=None)
    monkeypatch.setattr(outreach_cli, "get_settings", lambda: settings)
    return settings


def listed(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT phone FROM dnc_numbers ORDER BY phone")]


def test_the_command_imports_and_reports_every_bad_line(
    configured: Settings, tmp_path: Path
) -> None:
    second = tmp_path / "more.txt"
    second.write_text("3055550100\n3055550200\nnope\n")
    rejects = tmp_path / "rejects.tsv"

    result = runner.invoke(
        app, ["outreach", "dnc-import", str(SAMPLE), str(second), "--rejects", str(rejects)]
    )

    assert result.exit_code == 0, result.output
    assert "dnc_sample.txt:9: not a number in a known format" in result.output
    assert "dnc_sample.txt:10: not a possible US number" in result.output
    assert "more.txt:3: not a number in a known format" in result.output
    assert len(rejects.read_text().splitlines()) == 6
    assert rejects.read_text().splitlines()[0] == "dnc_sample.txt\t9\tformat\t(305) 555-0106"
    assert len(listed(str(configured.database_url))) == 9


def test_the_command_as_json(configured: Settings) -> None:
    result = runner.invoke(app, ["outreach", "dnc-import", str(SAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert report["added"] == 8 and report["bad"] == {"format": 3, "invalid": 2}
    assert report["bad_lines"][0] == {"line": 9, "reason": "format", "text": "(305) 555-0106"}


def test_a_failed_import_changes_nothing(
    configured: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files are one transaction: a failure in the second undoes the first."""
    real = dnc.import_dnc
    calls: list[str] = []

    async def failing_second(*args: object, **kwargs: object) -> dnc.DncImport:
        calls.append(str(kwargs["name"]))
        if len(calls) == 2:
            raise OSError("disk went away")
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(outreach_cli.dnc, "import_dnc", failing_second)
    result = runner.invoke(app, ["outreach", "dnc-import", str(SAMPLE), str(SAMPLE)])

    assert result.exit_code == 1
    assert "import failed, nothing was changed: OSError: disk went away" in result.output
    assert listed(str(configured.database_url)) == []
