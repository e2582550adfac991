"""`make audit-deps`: a known vulnerability fails, an accepted one needs a reason, and a feed that cannot be reached
is reported as not audited without failing."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_deps", ROOT / "tools" / "audit_deps.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


audit_deps = _tool()
JINJA = {"name": "jinja2", "version": "3.1.3"}
FOUND = {"id": "GHSA-h75v-3vvj-5mfj", "fix_versions": ["3.1.4"], "aliases": [], "description": "xmlattr"}


def test_a_known_vulnerability_fails_and_names_the_fix() -> None:
    status, lines = audit_deps.verdict({"dependencies": [{**JINJA, "vulns": [FOUND]}, {"name": "flask", "vulns": []}]})
    assert status == 1
    assert lines == ["1 known vulnerabilities:", "jinja2 3.1.3: GHSA-h75v-3vvj-5mfj (fixed in 3.1.4)"]


def test_a_feed_that_answers_for_no_dependency_is_not_audited_and_does_not_fail() -> None:
    unreached = {"skip_reason": "Dependency not found on PyPI and could not be audited: jinja2 (3.1.3)"}
    status, lines = audit_deps.verdict({"dependencies": [{**JINJA, **unreached}]})
    assert status == 0
    assert lines[0].endswith("NOT AUDITED")
    clean = audit_deps.verdict({"dependencies": [{**JINJA, "vulns": []}, {"name": "x", "version": "1", **unreached}]})
    assert clean == (0, ["No known vulnerabilities in 1 dependencies; 1 not found on PyPI, not audited"])


def test_an_accepted_vulnerability_needs_a_reason() -> None:
    text = "# header\n\nGHSA-h75v-3vvj-5mfj  # templates are ours, never a user's; until 2027-01-31\n"
    assert audit_deps.accepted(text) == {"GHSA-h75v-3vvj-5mfj": "templates are ours, never a user's; until 2027-01-31"}
    with pytest.raises(SystemExit, match="line 1"):
        audit_deps.accepted("GHSA-h75v-3vvj-5mfj\n")
