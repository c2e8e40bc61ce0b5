"""A small run of bench/api_fuzz.py: it must work end to end on its scratch database (a
subscriber, its token, generated requests, every answer checked) and count what it sends. The
figures of the long run: docs/reliability.md."""

from __future__ import annotations

import os

import pytest

from bench import api_fuzz


def test_api_fuzz_benchmark_runs_and_counts() -> None:
    before = os.environ.get("PROPINTEL_DATABASE_URL")
    report, tally = api_fuzz.run(2, match="/api/v1/saved-searches", at=1)
    parameters = report.parameters
    assert parameters["operations"] == 5  # list, create, read, update, delete
    assert parameters["requests"] == tally.requests == sum(tally.statuses.values()) > 5
    assert parameters["server_errors"] == 0, tally.server_errors
    assert parameters["conformance_failures"] == 0, tally.conformance
    assert any(200 <= status < 300 for status in tally.statuses)  # the token worked
    assert os.environ.get("PROPINTEL_DATABASE_URL") == before  # the settings as they were


def test_the_exit_code_tells_server_errors_from_conformance_failures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """1 on any 5xx, 2 on conformance failures only, 0 when clean."""
    tally = api_fuzz.Tally(requests=3)
    report = api_fuzz.Report("api_fuzz", {})
    monkeypatch.setattr(api_fuzz, "run", lambda *args, **kwargs: (report, tally))
    assert api_fuzz.main([]) == 0
    tally.conformance["Undocumented status code: GET /x -> 418"] += 1
    assert api_fuzz.main([]) == 2
    tally.server_errors.append("Server error: GET /x -> 500")
    assert api_fuzz.main([]) == 1
