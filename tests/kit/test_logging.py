"""Log lines: JSON on stdout by default; with a log file (what `make run` uses), the JSON lines go
to the file and only warnings and errors reach the console."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from propintel.kit.logging import configure_logging, log_context, log_request


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


async def test_every_line_of_a_request_carries_its_request_id_errors_included(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unexpected error's log line (with its traceback) names the request it happened in, as
    the request line does, so one grep finds everything about a request."""
    configure_logging("INFO")
    app = client._transport.app  # type: ignore[attr-defined]

    @app.get("/boom-for-the-log-test")
    async def boom() -> None:
        logging.getLogger("propintel.test").warning("about to fail")
        raise RuntimeError("deliberate")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/boom-for-the-log-test", headers={"X-Request-ID": "req-42"})

    assert response.status_code == 500
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_message = {line["message"]: line for line in lines}
    assert by_message["about to fail"]["request_id"] == "req-42"
    assert by_message["unhandled error"]["request_id"] == "req-42"
    assert "deliberate" in by_message["unhandled error"]["exception"]
    assert by_message["request"]["request_id"] == "req-42"


def test_a_context_adds_its_fields_until_it_ends(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    log = logging.getLogger("propintel.test")

    with log_context(job="scoring.refresh", job_id=7):
        log.info("inside")
    log.info("outside")

    inside, outside = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (inside["job"], inside["job_id"]) == ("scoring.refresh", 7)
    assert "job" not in outside
