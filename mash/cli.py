"""The `mash` command: database, users, the development server, workers, demo data, rules, partners."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup

from mash import migrations
from mash.app import create_app
from mash.db import get_session
from mash.enums import AGENCY_TYPES, ROLES
from mash.services.users import UserInvalid, create_user


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False, add_default_commands=True)
def cli() -> None:
    """MASH Front Door: the front door service for children's social care."""


@cli.group()
def db() -> None:
    """Manage the database."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create or migrate the database to the newest schema."""
    migrations.upgrade(current_app.config["MASH_SETTINGS"].database_url, revision)
    click.echo(f"database at {revision}")


@cli.group()
def users() -> None:
    """Manage users and their API tokens."""


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--organisation", default=None, help="The partner's organisation (required for partners).")
@click.option("--agency-type", type=click.Choice(AGENCY_TYPES), default=None)
def users_create(name: str, role: str, organisation: str | None, agency_type: str | None) -> None:
    """Create a user; the API token is printed alone on the last line."""
    try:
        user, token = create_user(get_session(), name, role, organisation, agency_type)
    except UserInvalid as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"created {user.role} {user.id} ({user.organisation})")
    click.echo(token)


def main() -> None:
    """Run the `mash` command."""
    cli.main(args=sys.argv[1:], prog_name="mash")
