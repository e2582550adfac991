"""The `mash users` account commands and `mash teams`: a council sets itself up without the demo data."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from mash.db import get_session
from mash.problems import Problem
from mash.services import accounts, team_admin, tokens
from mash.services.users import UserInvalid


def _fail(exc: Exception) -> click.UsageError:
    if isinstance(exc, Problem) and exc.errors:
        return click.UsageError("; ".join(message for messages in exc.errors.values() for message in messages))
    return click.UsageError(str(getattr(exc, "detail", exc)))


def _read_password() -> str:
    if sys.stdin.isatty():
        first = click.prompt("New password", hide_input=True)
        if click.prompt("Repeat it", hide_input=True) != first:
            raise click.UsageError("the two passwords differ")
        return str(first)
    return sys.stdin.readline().rstrip("\n")


@click.command("set-password")
@with_appcontext
@click.argument("email")
def set_password(email: str) -> None:
    """Set an account's password, read from standard input (not echoed on a terminal)."""
    try:
        user = accounts.set_password(get_session(), email, _read_password())
    except UserInvalid as exc:
        raise _fail(exc) from exc
    click.echo(f"password set for {user.email or user.name}")


@click.command("list")
@with_appcontext
def list_users() -> None:
    """List every account: role, email, name, whether active."""
    for user in accounts.list_users(get_session()):
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.role:<10} {user.email or '-':<40} {user.name} ({user.organisation}, {state})")


@click.command("deactivate")
@with_appcontext
@click.argument("email_or_name")
def deactivate(email_or_name: str) -> None:
    """Stop an account signing in or using its API tokens, at once."""
    try:
        user = accounts.deactivate(get_session(), email_or_name)
    except UserInvalid as exc:
        raise _fail(exc) from exc
    click.echo(f"deactivated {user.email or user.name}")


@click.command("rotate-token")
@with_appcontext
@click.argument("email_or_name")
@click.option(
    "--expires-in-days", type=click.IntRange(0), default=None, help="Token lifetime (MASH_TOKEN_DAYS; 0: never)."
)
def rotate_token(email_or_name: str, expires_in_days: int | None) -> None:
    """Revoke an account's API tokens and print a new one alone on the last line."""
    days = current_app.config["MASH_SETTINGS"].token_days if expires_in_days is None else expires_in_days
    try:
        user, token = accounts.rotate_token(get_session(), email_or_name, expires_at=tokens.expiry(days))
    except UserInvalid as exc:
        raise _fail(exc) from exc
    click.echo(f"new token for {user.email or user.name}; the old ones no longer work")
    click.echo(token)


@click.group("teams", cls=AppGroup)
def teams() -> None:
    """Set up teams and their workers."""


@teams.command("create")
@click.argument("name")
@click.option("--kind", required=True, help="early_help, assessment, child_protection, disabled_children, or your own")
@click.option("--cap", type=int, default=None, help="Children per worker (the MASH_CASELOAD_CAP setting when unset).")
def teams_create(name: str, kind: str, cap: int | None) -> None:
    """Create a team."""
    try:
        team = team_admin.create_team(get_session(), None, name, kind, cap)
    except Problem as exc:
        raise _fail(exc) from exc
    click.echo(f"created team {team.name} ({team.kind}) {team.id}")


@teams.command("list")
def teams_list() -> None:
    """List teams with their caseloads against capacity."""
    for load in team_admin.loads(get_session(), current_app.config["MASH_SETTINGS"].caseload_cap):
        state = "active" if load.team.active else "inactive"
        click.echo(
            f"{load.team.name} ({load.team.kind}, {state}): {load.caseload}/{load.capacity} children, "
            f"{len(load.members)} workers, cap {load.cap} each"
        )


@teams.command("update")
@click.argument("name")
@click.option("--cap", type=int, default=None, help="A new cap: children per worker.")
@click.option("--kind", default=None, help="A new kind of team.")
@click.option("--active/--inactive", default=None, help="Whether the team takes new work.")
def teams_update(name: str, cap: int | None, kind: str | None, active: bool | None) -> None:
    """Change a team's cap, kind or whether it is active."""
    changes = {
        key: value for key, value in (("caseload_cap", cap), ("kind", kind), ("active", active)) if value is not None
    }
    try:
        team = team_admin.update_team(get_session(), None, name, changes)
    except Problem as exc:
        raise _fail(exc) from exc
    click.echo(f"updated team {team.name}")


@teams.command("add-member")
@click.argument("team")
@click.argument("name")
@click.option("--user", default=None, help="The worker's account, by email or name.")
def teams_add_member(team: str, name: str, user: str | None) -> None:
    """Add a worker to a team."""
    try:
        member = team_admin.add_member(get_session(), None, team, name, user)
    except Problem as exc:
        raise _fail(exc) from exc
    click.echo(f"added {member.name} to {team}")


def register(cli: click.Group, users: click.Group) -> None:
    """Attach the account and team commands to the `mash` command."""
    for command in (set_password, list_users, deactivate, rotate_token):
        users.add_command(command)
    cli.add_command(teams)
