"""`propintel db with -- COMMAND` (how `make test` runs pytest): the command's exit code comes back,
and the embedded cluster is stopped afterwards only if this started it."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from propintel.config import Settings
from propintel.db import cli
from propintel.db.embedded import EmbeddedDatabaseError


class FakeCluster:
    """Stands in for EmbeddedCluster: the tests share the real one and must not stop it."""

    port = 54999

    def __init__(self, *, running: bool, fails_to_start: bool = False) -> None:
        self.running = running
        self.fails_to_start = fails_to_start
        self.stops = 0

    def start(self) -> bool:
        if self.fails_to_start:
            raise EmbeddedDatabaseError("port 54999 busy")
        started, self.running = not self.running, True
        return started

    def stop(self) -> bool:
        self.stops += 1
        self.running = False
        return True


def exits_with(code: int) -> list[str]:
    return [sys.executable, "-c", f"raise SystemExit({code})"]


@pytest.mark.parametrize("code", [0, 3])
def test_a_cluster_it_started_is_stopped_whatever_the_exit_code(code: int) -> None:
    cluster = FakeCluster(running=False)
    assert cli.run_with_cluster(cluster, exits_with(code)) == code  # type: ignore[arg-type]
    assert cluster.stops == 1 and not cluster.running


@pytest.mark.parametrize("code", [0, 3])
def test_a_cluster_already_running_keeps_running(code: int) -> None:
    cluster = FakeCluster(running=True)
    assert cli.run_with_cluster(cluster, exits_with(code)) == code  # type: ignore[arg-type]
    assert cluster.stops == 0 and cluster.running


def test_an_external_database_just_runs_the_command() -> None:
    assert cli.run_with_cluster(None, exits_with(5)) == 5


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> FakeCluster:
    """The CLI sees an embedded database (whatever the environment says) backed by a fake."""
    cluster = FakeCluster(running=False)
    monkeypatch.setattr(cli, "get_settings", lambda: Settings(database_url=None))
    monkeypatch.setattr(cli.EmbeddedCluster, "from_settings", lambda _settings: cluster)
    return cluster


def test_cli_passes_the_command_and_its_options_through(embedded: FakeCluster) -> None:
    script = "import sys; sys.exit(0 if sys.argv[1:] == ['--x', '-y'] else 1)"
    result = CliRunner().invoke(cli.app, ["with", "--", sys.executable, "-c", script, "--x", "-y"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli.app, ["with", "--", *exits_with(7)])
    assert result.exit_code == 7
    assert embedded.stops == 2


def test_cli_reports_a_cluster_that_does_not_start(embedded: FakeCluster) -> None:
    embedded.fails_to_start = True
    result = CliRunner().invoke(cli.app, ["with", "--", *exits_with(0)])
    assert result.exit_code == 1
    assert "port 54999 busy" in result.output
    assert embedded.stops == 0


def test_cli_reports_a_missing_command(embedded: FakeCluster) -> None:
    result = CliRunner().invoke(cli.app, ["with", "--", "/nonexistent/propintel-test-command"])
    assert result.exit_code == 127
    assert "no such command: /nonexistent/propintel-test-command" in result.output
    assert embedded.stops == 1
