"""`mash retention`: the schedule in force, legal holds, the review of what is due, and its destruction."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from mash.db import get_session
from mash.models import RetentionReviewItem
from mash.services import legal_holds, retention
from mash.services.retention_policy import RetentionPolicy
from mash.services.users import UserInvalid


def _policy() -> RetentionPolicy:
    policy: RetentionPolicy = current_app.extensions["mash.retention_policy"]
    return policy


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "-"


@click.group(cls=AppGroup)
def retention_group() -> None:
    """Keep records as long as the retention schedule says, and no longer."""


@retention_group.command("schedule")
def schedule() -> None:
    """Print the retention schedule in force: each class, its records, trigger and period."""
    policy = _policy()
    click.echo(f"retention schedule {policy.version}")
    for cls in policy.classes:
        click.echo(f"{cls.id:<36} {cls.records:<18} {cls.period:>9} from {cls.trigger}")


def _item_line(item: RetentionReviewItem, names: dict[str, list[str]]) -> str:
    shown = item.reference or item.record_id
    line = f"{item.due_date} {item.class_id:<36} {item.record_type:<18} {shown} (from {item.trigger_date})"
    if item.record_id in names:
        line += "  " + "; ".join(names[item.record_id])
    return line


@retention_group.command("review")
@click.option("--names", is_flag=True, help="Also print the children's names (the reading is audited).")
def review(names: bool) -> None:
    """List every record due for destruction and under no hold, as a review to destroy by its id."""
    session = get_session()
    run = retention.review(session, _policy())
    _, items = retention.review_items(session, run.id)
    shown = retention.child_names(session, run.id) if names and items else {}
    click.echo(f"review {run.id} (schedule {run.policy_version}): {len(items)} records due")
    for item in items:
        click.echo(_item_line(item, shown))
    if items:
        click.echo(f"destroy them with: mash retention destroy {run.id} --by YOUR-EMAIL --confirm")


@retention_group.command("destroy")
@click.argument("review_id")
@click.option("--by", "by", required=True, help="The email or name of the member of staff who authorises it.")
@click.option("--confirm", is_flag=True, help="Destroy; without it the review's items are printed and nothing changes.")
def destroy(review_id: str, by: str, confirm: bool) -> None:
    """Destroy the records of a review that are still due and under no hold, with their queued and failed jobs."""
    session = get_session()
    try:
        if not confirm:
            _, items = retention.review_items(session, review_id)
            for item in items:
                click.echo(_item_line(item, {}))
            click.echo(f"nothing destroyed: add --confirm to destroy these {len(items)} records", err=True)
            sys.exit(1)
        done = retention.destroy(session, _policy(), review_id, by, current_app.extensions["mash.relay"].runner.forget)
    except UserInvalid as exc:
        raise click.UsageError(str(exc)) from exc
    for gone in done.destroyed:
        click.echo(f"destroyed {gone.record_type} {gone.reference or gone.record_id} ({gone.class_id})")
    click.echo(
        f"destroyed {len(done.destroyed)} records, removed {done.jobs_removed} queued or failed jobs; "
        f"skipped {done.skipped} (held since the review, or no longer due)"
    )


@retention_group.command("hold")
@click.argument("contact")
@click.option("--reason", required=True, help="The claim, complaint, inquiry or request the hold is for.")
@click.option("--by", "by", required=True, help="The email or name of the member of staff placing it.")
def hold(contact: str, reason: str, by: str) -> None:
    """Place a legal hold on a CONTACT (reference or id): it and its children are not destroyed while it lasts."""
    try:
        placed = legal_holds.place(get_session(), contact, reason, by)
    except UserInvalid as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"legal hold {placed.id} placed")


@retention_group.command("lift")
@click.argument("hold_id")
@click.option("--reason", required=True, help="Why the hold is no longer needed.")
@click.option("--by", "by", required=True, help="The email or name of the member of staff lifting it.")
def lift(hold_id: str, reason: str, by: str) -> None:
    """Lift a legal hold by its id (from `mash retention holds`)."""
    try:
        lifted = legal_holds.lift(get_session(), hold_id, reason, by)
    except UserInvalid as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"legal hold {lifted.id} lifted")


@retention_group.command("holds")
@click.option("--all", "include_lifted", is_flag=True, help="Include the holds already lifted.")
def holds(include_lifted: bool) -> None:
    """List the legal holds in force: id, contact reference, placed when and by whom, and why."""
    for row in legal_holds.list_holds(get_session(), include_lifted=include_lifted):
        state = f"lifted {_day(row.lifted_at)}" if row.lifted_at else "in force"
        click.echo(f"{row.id} {row.reference} {state} placed {_day(row.placed_at)} by {row.placed_by}: {row.reason}")


def register(cli: click.Group) -> None:
    """Attach `mash retention` to the `mash` command."""
    cli.add_command(retention_group, "retention")
