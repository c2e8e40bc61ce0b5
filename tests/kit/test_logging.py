"""Log lines: JSON on stdout by default; with a log file (what `make run` uses), the JSON lines go
to the file and only warnings and errors reach the console."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from propintel.kit.logging import configure_logging, log_request


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:], root.level = handlers, level


def test_with_a_log_file_request_lines_stay_off_the_console(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_file = tmp_path / "logs" / "propintel.log"
    configure_logging("INFO", log_file)

    log_request({"method": "GET", "path": "/search", "status": 200})
    logging.getLogger("propintel.worker").warning("the database went away")

    console = capsys.readouterr()
    assert console.out == ""
    assert "the database went away" in console.err and "/search" not in console.err
    lines = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert [(line["message"], line.get("path")) for line in lines] == [
        ("request", "/search"),
        ("the database went away", None),
    ]


def test_without_a_log_file_json_lines_go_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")

    log_request({"method": "GET", "path": "/healthz", "status": 200})

    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line)["path"] == "/healthz"
