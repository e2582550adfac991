"""`mash organisations`: add, list and deactivate the partner organisations that accounts belong to."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from mash.db import get_session
from mash.enums import AGENCY_TYPES
from mash.services import organisations


@click.group("organisations", cls=AppGroup)
def organisations_group() -> None:
    """Manage partner organisations (a partner account is created in one with `mash users create --organisation`)."""


@organisations_group.command("add")
@click.argument("name")
@click.option("--agency-type", type=click.Choice(AGENCY_TYPES), required=True, help="Its kind of agency (CIN code).")
def organisations_add(name: str, agency_type: str) -> None:
    """Add a partner organisation; a name already held, in any case, is refused."""
    try:
        added = organisations.add(get_session(), name, agency_type)
    except organisations.OrganisationInvalid as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"added {added.name} ({added.agency_type}) {added.id}")


@organisations_group.command("list")
def organisations_list() -> None:
    """List every organisation: name, agency type, and whether it is active or the council's own."""
    for row in organisations.listed(get_session()):
        state = "council" if row.council else "active" if row.active else "inactive"
        click.echo(f"{state:<8} {row.agency_type or '-':<28} {row.name}")


@organisations_group.command("deactivate")
@click.argument("name")
def organisations_deactivate(name: str) -> None:
    """Deactivate a partner organisation and every account of it, at once."""
    try:
        stopped, accounts = organisations.deactivate(get_session(), name)
    except organisations.OrganisationInvalid as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"deactivated {stopped.name} and {accounts} of its accounts")


def register(cli: click.Group) -> None:
    """Attach `mash organisations` to the `mash` command."""
    cli.add_command(organisations_group)
