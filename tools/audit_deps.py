"""Audit the installed environment against PyPI's vulnerability data (pip-audit), for `make audit-deps` and CI.

A known vulnerability fails (exit 1) unless it is accepted in tools/pip-audit-ignore.txt, one identifier a line with
the reason after a `#`; a line without a reason is refused. When PyPI's vulnerability data cannot be reached for any
dependency, that is printed and the run passes (exit 0), so that an outage of the feed is reported, not mistaken for
a vulnerability."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

IGNORE_FILE = Path(__file__).with_name("pip-audit-ignore.txt")
UNREACHED = "could not be audited"  # pip-audit's skip reason when PyPI has no answer for a dependency


def accepted(text: str) -> dict[str, str]:
    """Return the accepted vulnerabilities of an ignore file, identifier to reason; refuse a line without a reason."""
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        vuln_id, _, reason = line.partition("#")
        if not vuln_id.strip() or not reason.strip():
            raise SystemExit(f"{IGNORE_FILE.name} line {number}: give the identifier and, after a #, the reason")
        found[vuln_id.strip()] = reason.strip()
    return found


def verdict(report: dict[str, Any]) -> tuple[int, list[str]]:
    """Return the exit status and the lines to print for a pip-audit JSON report."""
    dependencies = report.get("dependencies", [])
    vulnerable = [(dep, vuln) for dep in dependencies for vuln in dep.get("vulns", [])]
    unreached = [dep for dep in dependencies if UNREACHED in dep.get("skip_reason", "")]
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    if vulnerable:
        lines = [
            f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {', '.join(vuln['fix_versions']) or 'no release'})"
            for dep, vuln in vulnerable
        ]
        return 1, [f"{len(vulnerable)} known vulnerabilities:", *lines]
    if not audited and unreached:
        return 0, [
            f"PyPI's vulnerability data could not be reached for any of {len(unreached)} dependencies: NOT AUDITED"
        ]
    note = f"; {len(unreached)} not found on PyPI, not audited" if unreached else ""
    return 0, [f"No known vulnerabilities in {len(audited)} dependencies{note}"]


def main() -> int:
    ignored = accepted(IGNORE_FILE.read_text(encoding="utf-8")) if IGNORE_FILE.exists() else {}
    command = [sys.executable, "-m", "pip_audit", "--vulnerability-service", "pypi", "--format", "json"]
    command += ["--skip-editable", "--progress-spinner", "off"]
    for vuln_id in ignored:
        command += ["--ignore-vuln", vuln_id]
    run = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (our own command line)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "pip-audit gave no report")
        print("PyPI's vulnerability data could not be reached: NOT AUDITED")
        return 0
    for vuln_id, reason in ignored.items():
        print(f"accepted {vuln_id}: {reason}")
    status, lines = verdict(report)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
