"""The `mash reports` and `mash qa` commands, run by the operator of the service."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from mash.db import get_session
from mash.services.reports import quality
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


@click.group(cls=AppGroup)
def qa() -> None:
    """Quality assurance audits of decisions."""


@qa.command("sample")
@click.option("--month", required=True, help="The month whose decisions to sample, as 2026-11.")
@click.option(
    "--size",
    default=quality.DEFAULT_SIZE,
    show_default=True,
    type=click.IntRange(1, 500),
    help="How many contacts to sample.",
)
@click.option("--seed", default=0, show_default=True, type=click.IntRange(0), help="The same seed draws the same.")
def qa_sample(month: str, size: int, seed: int) -> None:
    """Draw a month's stratified random sample of decided contacts for managers to audit."""
    drawn = quality.draw_sample(get_session(), None, month, size, seed)
    click.echo(f"drew {len(drawn)} decided contacts from {month} for quality audit")
    for item in drawn:
        click.echo(f"{item.stratum:<40} {item.contact_id}")
