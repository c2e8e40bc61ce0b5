"""The supply-chain check (scripts/audit.py, ``make audit``, run by CI before the tests): a pin
with a known vulnerability fails it; pins the service could not answer for are counted, not
taken as clean."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_script", ROOT / "scripts" / "audit.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


audit = _audit()

VULNERABLE: dict[str, Any] = {
    "dependencies": [
        {
            "name": "jinja2",
            "version": "2.10",
            "vulns": [{"id": "PYSEC-2019-217", "fix_versions": ["2.10.1"]}],
        },
        {"name": "six", "version": "1.17.0", "vulns": []},
    ],
    "fixes": [],
}
UNREACHABLE: dict[str, Any] = {
    "dependencies": [
        {"name": "six", "skip_reason": "Dependency not found on PyPI and could not be audited"},
    ],
    "fixes": [],
}


def test_a_vulnerable_pin_fails_the_audit() -> None:
    verdict = audit.judge(VULNERABLE)
    assert verdict.audited == 2
    assert verdict.findings == ["jinja2==2.10: PYSEC-2019-217 (fixed in: 2.10.1)"]
    assert verdict.exit_code(strict=False) == 1


def test_clean_pins_pass() -> None:
    report = {"dependencies": [{"name": "six", "version": "1.17.0", "vulns": []}]}
    assert audit.judge(report).exit_code(strict=True) == 0


def test_pins_nobody_answered_for_are_not_counted_as_audited() -> None:
    verdict = audit.judge(UNREACHABLE)
    assert verdict.nothing_audited and len(verdict.skipped) == 1
    assert verdict.exit_code(strict=False) == 0
    assert verdict.exit_code(strict=True) == 1


def test_main_reports_and_fails_on_a_finding(monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.setattr(audit, "run_pip_audit", lambda requirements, ignored: VULNERABLE)
    assert audit.main(["requirements.txt"]) == 1
    assert "VULNERABLE jinja2==2.10: PYSEC-2019-217" in capsys.readouterr().out


def test_ci_audits_before_the_tests() -> None:
    steps = [
        line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.startswith("make")
    ]
    assert steps.index("make audit") < steps.index("make test")
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/audit.py $(VENV)/audit-requirements.txt $(AUDIT_IGNORE)" in makefile
