"""`mash audit`: check the audit trail's hash chain, and read who looked, per person and per child."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from mash.db import get_session
from mash.services import audit_chain, audit_reports
from mash.services.users import UserInvalid


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


def _print(looks: list[audit_reports.Look]) -> None:
    for look in looks:
        when = look.at.isoformat(timespec="seconds")
        click.echo(f"{when} {look.user} ({look.role}) {look.action} {look.reference or '-'}")


@audit.command("by-user")
@click.argument("email_or_name")
def by_user(email_or_name: str) -> None:
    """List everything one account read or changed, oldest first."""
    try:
        _print(audit_reports.by_user(get_session(), email_or_name))
    except UserInvalid as exc:
        raise click.UsageError(str(exc)) from exc


@audit.command("child")
@click.argument("child_id")
def child(child_id: str) -> None:
    """List who read or changed the contacts about a child (its own and those confirmed to be the same child)."""
    try:
        _print(audit_reports.for_child(get_session(), child_id))
    except UserInvalid as exc:
        raise click.UsageError(str(exc)) from exc


def register(cli: click.Group) -> None:
    """Attach `mash audit` to the `mash` command."""
    cli.add_command(audit)
