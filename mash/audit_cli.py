"""`mash audit verify`: check the audit trail's hash chain and name its first broken link."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from mash.db import get_session
from mash.services import audit_chain


@click.group(cls=AppGroup)
def audit() -> None:
    """Check the audit trail."""


@audit.command("verify")
def verify() -> None:
    """Walk the audit chain; exit 1 naming the first event that was changed, or follows a deleted one."""
    checked, broken = audit_chain.verify(get_session())
    if broken is None:
        click.echo(f"audit chain intact: {checked} events")
        return
    click.echo(
        f"audit chain broken at event {broken.seq} (id {broken.event_id}): {broken.reason}; "
        f"{checked} events before it are intact",
        err=True,
    )
    sys.exit(1)


def register(cli: click.Group) -> None:
    """Attach `mash audit` to the `mash` command."""
    cli.add_command(audit)
