"""The `mash reports` commands: statutory returns written to a file by the operator of the service."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from mash.db import get_session
from mash.services.reports.annex_a import annex_a
from mash.services.reports.guidance import LISTS
from mash.services.reports.period import period


@click.group(cls=AppGroup)
def reports() -> None:
    """Statutory returns and performance reports."""


@reports.command("annex-a")
@click.argument("name", metavar="LIST", type=click.Choice(LISTS))
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day (included).")
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Last day (included).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="CSV file to write.")
def annex_a_command(name: str, start: datetime, end: datetime, out: Path) -> None:
    """Write Ofsted Annex A list LIST (contacts, early-help, referrals) for whole days in England to a CSV file."""
    span = period(start.date(), end.date())
    rows = -1
    with out.open("w", encoding="utf-8", newline="") as file:
        for chunk in annex_a(get_session(), None, name, span):
            file.write(chunk)
            rows += chunk.count("\r\n")
    click.echo(f"wrote {rows} rows of Annex A {name} to {out}")
