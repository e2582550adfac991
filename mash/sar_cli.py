"""`mash sar export`: everything held about one child, as JSON and a printable HTML page, for a subject access
request."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from mash.db import get_session
from mash.services import subject_access
from mash.services.users import UserInvalid


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: it holds a child's records."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


@click.group("sar", cls=AppGroup)
def sar_group() -> None:
    """Subject access requests."""


@sar_group.command("export")
@click.option("--nhs-number", default=None, help="The child's NHS number.")
@click.option("--first-name", default=None, help="The child's first name (with --last-name and --date-of-birth).")
@click.option("--last-name", default=None, help="The child's last name.")
@click.option("--date-of-birth", type=click.DateTime(["%Y-%m-%d"]), default=None, help="The child's date of birth.")
@click.option("--child-id", default=None, help="A child record's id (from `mash audit child` or the web pages).")
@click.option("--by", "by", required=True, help="The email or name of the member of staff answering the request.")
@click.option(
    "--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Directory to write both files to."
)
def export(
    nhs_number: str | None,
    first_name: str | None,
    last_name: str | None,
    date_of_birth: datetime | None,
    child_id: str | None,
    by: str,
    out: Path,
) -> None:
    """Write subject-access.json and subject-access.html: every contact about the child, with its decisions,
    shares, flags, feedback and who looked; the export is audited on each contact."""
    try:
        result = subject_access.export(
            get_session(),
            by,
            nhs_number=nhs_number,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth.date() if date_of_birth else None,
            child_id=child_id,
        )
    except UserInvalid as exc:
        raise click.UsageError(str(exc)) from exc
    out.mkdir(parents=True, exist_ok=True)
    council = current_app.config["MASH_SETTINGS"].council_name
    _write_private(out / "subject-access.json", json.dumps(result.document, indent=2, ensure_ascii=False) + "\n")
    _write_private(out / "subject-access.html", subject_access.render_html(result.document, council))
    contacts = len(result.document["contacts"])
    click.echo(f"exported {contacts} contacts ({len(result.child_ids)} child records) to {out}")
    for found in result.possible:
        click.echo(
            f"left out, may be the same child: record {found.child.id} on {found.reference} "
            f"({found.band} match, score {found.score:.2f}); add it with --child-id if it is"
        )


def register(cli: click.Group) -> None:
    """Attach `mash sar` to the `mash` command."""
    cli.add_command(sar_group)
