"""`mash tokens`: list API tokens and revoke one at once."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from mash.db import get_session
from mash.services import tokens
from mash.services.users import UserInvalid


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "-"


@click.group("tokens", cls=AppGroup)
def tokens_group() -> None:
    """List and revoke API tokens (issue one with `mash users create` or `mash users rotate-token`)."""


@tokens_group.command("list")
def tokens_list() -> None:
    """List every token: id, state, account, created, expires, last used."""
    for row in tokens.list_tokens(get_session()):
        click.echo(
            f"{row.id} {row.state:<8} {row.role:<10} {row.user} created {_when(row.created_at)} "
            f"expires {_when(row.expires_at)} last used {_when(row.last_used_at)}"
        )


@tokens_group.command("revoke")
@click.argument("token_id")
def tokens_revoke(token_id: str) -> None:
    """Revoke one token by its id (from `mash tokens list`); it is refused from the next request."""
    try:
        row = tokens.revoke(get_session(), token_id)
    except UserInvalid as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"revoked token {row.id} of {row.user}")


def register(cli: click.Group) -> None:
    """Attach `mash tokens` to the `mash` command."""
    cli.add_command(tokens_group)
