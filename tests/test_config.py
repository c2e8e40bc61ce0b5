"""Settings that change security refuse values they do not know, and the CLI says so at start."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from propintel import cli
from propintel.config import Settings, get_settings


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    """``get_settings()`` reads this test's environment, and the next test's afterwards."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize("value", ["development", "test", "production"])
def test_the_known_environments_are_accepted(value: str) -> None:
    settings = Settings(_env_file=None, environment=value)
    assert settings.cookie_secure == (value == "production")


@pytest.mark.parametrize("value", ["prod", "Production", "staging", ""])
def test_an_unknown_environment_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PROPINTEL_ENVIRONMENT", value)
    with pytest.raises(ValidationError, match="'development', 'test' or 'production'"):
        Settings(_env_file=None)


def test_the_cli_refuses_to_start_with_an_unknown_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fresh_settings: None
) -> None:
    monkeypatch.setenv("PROPINTEL_ENVIRONMENT", "prod")
    monkeypatch.setattr("sys.argv", ["propintel", "db", "status"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert "Invalid configuration" in error
    assert "PROPINTEL_ENVIRONMENT: Input should be 'development', 'test' or 'production'" in error
