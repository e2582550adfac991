"""Failures a user can cause or meet are one line on stderr and exit status 1, never a traceback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import click
from flask.testing import FlaskClient

from mash.cli import cli
from mash.settings import Settings
from tests.cli import MASH, Ran, mash


def _ours(name: str) -> bool:
    return name.startswith("MASH_") or name in ("DATABASE_URL", "REDIS_URL")


def _mash(*args: str, **env: str) -> Ran:
    """Run `mash` (in this process) with none of the test run's settings, only these."""
    unset: dict[str, str | None] = {name: None for name in os.environ if _ours(name)}
    return mash(*args, env={**unset, "MASH_LOG_LEVEL": "WARNING", **env})


def _mash_process(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `mash` as a process, for the commands that serve or work until stopped."""
    base = {name: value for name, value in os.environ.items() if not _ours(name)}
    return subprocess.run(
        [MASH, *args], env={**base, "MASH_LOG_LEVEL": "WARNING", **env}, capture_output=True, text=True, timeout=240
    )


def _one_line(done: Ran | subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_an_unreachable_database_is_one_line_with_the_password_masked() -> None:
    line = _one_line(_mash("db", "upgrade", DATABASE_URL="postgresql://mash:hunter2@127.0.0.1:1/mash"))
    assert line.startswith("Error: cannot use the database at postgresql://mash:***@127.0.0.1:1/mash: ")
    assert "hunter2" not in line


def test_a_database_path_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    line = _one_line(_mash("db", "upgrade", DATABASE_URL=f"sqlite:///{blocker}/mash.sqlite3"))
    assert str(blocker) in line


def test_the_worker_with_redis_down_is_one_line(settings: Settings) -> None:
    line = _one_line(
        _mash_process("worker", "--burst", DATABASE_URL=settings.database_url, REDIS_URL="redis://127.0.0.1:1/0")
    )
    assert line.startswith("Error: cannot reach Redis at redis://127.0.0.1:1/0: ")


def test_rules_explain_takes_the_reference_people_see_and_names_an_unknown_one(
    client: FlaskClient, partner: dict[str, str], settings: Settings, body: dict[str, object]
) -> None:
    created = client.post(
        "/api/v1/contacts", data=json.dumps(body), headers=partner, content_type="application/json"
    ).get_json()
    done = _mash("rules", "explain", created["reference"].lower(), DATABASE_URL=settings.database_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Contact {created['reference']}")
    assert "da-high-risk" in done.stdout
    by_id = _mash("rules", "explain", created["id"], DATABASE_URL=settings.database_url)
    assert by_id.stdout == done.stdout
    line = _one_line(_mash("rules", "explain", "MASH-2026-999999", DATABASE_URL=settings.database_url))
    assert line == "Error: No contact with the reference or id 'MASH-2026-999999'."


def test_a_busy_port_is_one_line_before_anything_is_printed(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = _mash_process("run", "--port", str(port), DATABASE_URL=f"sqlite:///{tmp_path}/mash.sqlite3")
    assert _one_line(done) == f"Error: cannot listen on 127.0.0.1:{port}: already in use; choose another with --port"
    assert done.stdout == ""


def test_bad_files_are_one_line(tmp_path: Path) -> None:
    binary = tmp_path / "rules.yaml"
    binary.write_bytes(b"\xff\xfe\x00rules")
    done = _mash("rules", "check", str(binary))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "cannot read" in done.stderr
    missing = _mash("-e", str(tmp_path / "missing.env"), "config", "check")
    assert missing.returncode == 1 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    folder = _mash("rules", "check", str(tmp_path))
    assert folder.returncode == 1 and "is a directory" in folder.stderr


def _options(command: click.Command, path: str) -> list[tuple[str, click.Option]]:
    found = [(path, p) for p in command.params if isinstance(p, click.Option)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found += _options(sub, f"{path} {name}")
    return found


def test_every_command_and_option_has_help() -> None:
    options = _options(cli, "mash")
    assert len(options) >= 10
    assert [f"{path} {option.opts[0]}" for path, option in options if not option.help] == []
    commands = [path for path, _ in options]
    assert {"mash run", "mash worker", "mash users create", "mash partners simulate"} <= set(commands)
