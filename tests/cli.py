"""Running the `mash` command in a test: through its entry point in the test's own process, or as a real process.

Starting a process costs the import of the whole service (about two seconds on a loaded two-core machine, more under
coverage), so most command-line tests call `mash.cli.main`, the function the installed `mash` script calls, in the
test's process: the same arguments, environment, standard streams, exit status and one-line errors. Tests of what
only a real process shows (the installed script, settings refused before anything starts, a server or a worker)
start one with `MASH`.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import structlog
from click.testing import CliRunner

from mash.cli import main
from mash.settings import Settings

MASH = str(Path(sys.executable).with_name("mash"))


@dataclass(frozen=True)
class Ran:
    """What a run of `mash` left: its exit status and what it wrote, as `subprocess.CompletedProcess` holds them."""

    returncode: int
    stdout: str
    stderr: str


def mash(*args: str, env: Mapping[str, str | None] | None = None, input: str | None = None) -> Ran:
    """Run `mash ARGS` in this process with these environment variables set (None unsets one).

    The command configures logging as the real process does, so its log lines land in its own stderr; the test
    process's logging, as it was, is put back afterwards.
    """
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    structlog_config = structlog.get_config()
    root.handlers = []
    try:
        with CliRunner().isolation(input=input, env=env) as (stdout, stderr, _):
            try:
                main(list(args))
                status = 0
            except SystemExit as exit:
                status = exit.code if isinstance(exit.code, int) else 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            return Ran(status, stdout.getvalue().decode(), stderr.getvalue().decode())
    finally:
        root.handlers = handlers
        root.setLevel(level)
        structlog.configure(**structlog_config)
        # The command's app and its engine are garbage now; collecting them closes their database connections.
        gc.collect()


def mash_on(settings: Settings, *args: str, log_level: str = "WARNING", input: str | None = None, **env: str) -> Ran:
    """Run `mash ARGS` on the test database, without Redis (jobs in the process), logging at `log_level`."""
    settings_env = {"DATABASE_URL": settings.database_url, "MASH_LOG_LEVEL": log_level, "REDIS_URL": None, **env}
    return mash(*args, env=settings_env, input=input)
