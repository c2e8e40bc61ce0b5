"""The supply-chain check of CI (``make audit``, issue 18): every pin of uv.lock against the known
vulnerabilities (pip-audit, PyPI's advisory data).

    python scripts/audit.py REQUIREMENTS [--strict] [--ignore-vuln ID ...]

REQUIREMENTS is uv.lock exported with hashes (``uv export``): pip-audit reads the pins as they
are (``--require-hashes --disable-pip``), nothing is installed. Exit 1 on any known vulnerability
not ignored (each ignore is listed with its reason in the Makefile and docs/reliability.md).

Pins the service cannot answer for are skipped by pip-audit; this script counts them and says so
loudly. When none could be audited (PyPI's per-version JSON API unreachable, as on a machine behind
a registry proxy that serves only the package index) the run is reported as "NOTHING AUDITED"; with
``--strict`` (or AUDIT_STRICT=1) that fails too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Verdict:
    audited: int = 0
    skipped: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    @property
    def nothing_audited(self) -> bool:
        return self.audited == 0

    def exit_code(self, strict: bool) -> int:
        if self.findings:
            return 1
        return 1 if strict and self.skipped else 0


def judge(report: dict[str, Any]) -> Verdict:
    """What pip-audit's JSON report says: audited pins, skipped pins, vulnerabilities found."""
    verdict = Verdict()
    for dependency in report.get("dependencies", []):
        name = f"{dependency['name']}=={dependency.get('version', '?')}"
        if "skip_reason" in dependency:
            verdict.skipped.append(f"{dependency['name']}: {dependency['skip_reason']}")
            continue
        verdict.audited += 1
        for vuln in dependency.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version"
            verdict.findings.append(f"{name}: {vuln['id']} (fixed in: {fixes})")
    return verdict


def run_pip_audit(requirements: Path, ignored: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "audit.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(requirements),
            "--require-hashes",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(output),
            *[argument for vuln in ignored for argument in ("--ignore-vuln", vuln)],
        ]
        finished = subprocess.run(command, check=False)  # noqa: S603 (our own arguments)
        if not output.exists():  # pip-audit itself failed (bad input): its message is above
            raise SystemExit(finished.returncode or 2)
        report: dict[str, Any] = json.loads(output.read_text())
        return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", type=Path)
    parser.add_argument("--strict", action="store_true", default=bool(os.getenv("AUDIT_STRICT")))
    parser.add_argument("--ignore-vuln", action="append", default=[], metavar="ID")
    options = parser.parse_args(argv)
    verdict = judge(run_pip_audit(options.requirements, options.ignore_vuln))
    total = verdict.audited + len(verdict.skipped)
    print(f"audit: {verdict.audited} of {total} pins audited, {len(verdict.findings)} vulnerable")
    for finding in verdict.findings:
        print(f"  VULNERABLE {finding}")
    if verdict.nothing_audited and total:
        print(
            "audit: NOTHING AUDITED - the vulnerability service answered for none of the pins "
            f"(first: {verdict.skipped[0]})"
        )
    elif verdict.skipped:
        print(f"audit: {len(verdict.skipped)} pins skipped:")
        for skipped in verdict.skipped:
            print(f"  {skipped}")
    return verdict.exit_code(options.strict)


if __name__ == "__main__":
    sys.exit(main())
