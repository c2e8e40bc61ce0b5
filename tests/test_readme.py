"""The README's configuration table names every setting the code reads."""

from __future__ import annotations

from pathlib import Path

from propintel.config import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_documented_in_the_readme() -> None:
    text = README.read_text()
    names = [
        str(field.validation_alias or f"PROPINTEL_{name.upper()}")
        for name, field in Settings.model_fields.items()
    ]
    assert [name for name in names if f"`{name}`" not in text] == []


def test_readme_gives_the_two_commands() -> None:
    text = README.read_text()
    assert "make run" in text and "make test" in text
