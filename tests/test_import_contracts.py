"""The import contracts in pyproject.toml catch the wrong imports that would blur the layers: each case adds one
to a copy of the code and runs `lint-imports` on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("mash", "schemas", "workers", "integrations")
WRONG = [
    (
        "mash/screening/engine.py",
        "import mash.services.contacts",
        "mash.screening is not allowed to import mash.services",
    ),
    ("mash/jobs/relay.py", "import mash.api.contacts", "mash.jobs is not allowed to import mash.api"),
    ("mash/models/contact.py", "import mash.services.audit", "mash.models is not allowed to import mash.services"),
    ("mash/db.py", "import mash.models", "mash.db is not allowed to import mash.models"),
    ("mash/services/contacts.py", "import mash.web.words", "mash.services is not allowed to import mash.web"),
    ("schemas/contacts.py", "import mash.services.contacts", "schemas is not allowed to import mash.services"),
    ("schemas/sharing.py", "import integrations", "schemas is not allowed to import integrations"),
    ("mash/enums.py", "import integrations", "schemas is not allowed to import integrations"),
    ("mash/job_names.py", "import mash.db", "mash.job_names is not allowed to import mash.db"),
    ("mash/services/outbox.py", "import workers", "mash is not allowed to import workers"),
    ("integrations/__init__.py", "import mash.enums", "integrations is not allowed to import mash"),
    ("integrations/simulator/records.py", "import mash.enums", "integrations is not allowed to import mash"),
    ("integrations/police.py", "import flask", "integrations is not allowed to import flask"),
    (
        "integrations/health.py",
        "import integrations.simulator.dataset",
        "integrations.health is not allowed to import integrations.simulator",
    ),
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the code and the contracts, without caches."""
    folder = tmp_path_factory.mktemp("contracts")
    for package in PACKAGES:
        shutil.copytree(REPO / package, folder / package, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(REPO / "pyproject.toml", folder / "pyproject.toml")
    return folder


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(folder)}
    command = [str(Path(sys.executable).parent / "lint-imports"), "--config", "pyproject.toml", "--no-cache"]
    return subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("path", "line", "message"), WRONG, ids=[case[1] + " in " + case[0] for case in WRONG])
def test_a_wrong_import_breaks_a_contract(pristine: Path, tmp_path: Path, path: str, line: str, message: str) -> None:
    folder = tmp_path / "code"
    shutil.copytree(pristine, folder)
    with (folder / path).open("a", encoding="utf-8") as module:
        module.write(f"\n{line}  # noqa\n")
    done = _lint(folder)
    assert done.returncode == 1, done.stdout
    assert message in done.stdout, done.stdout


def test_the_code_as_it_is_keeps_every_contract(pristine: Path) -> None:
    done = _lint(pristine)
    assert done.returncode == 0, done.stdout
    assert "0 broken" in done.stdout
