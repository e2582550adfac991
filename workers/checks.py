"""MASH check jobs: ask one partner agency for one requested check."""

from __future__ import annotations

from mash.services import sharing
from workers import job_session


def request_check(record_id: str) -> bool:
    """Ask the partner for one requested check (a no-op once it has been answered or has failed)."""
    with job_session() as (session, settings):
        return sharing.perform_check(session, record_id, settings)


def check_failed(record_id: str, error: str) -> None:
    """Mark a check whose retries are spent as failed, so that it stays visible on the ledger."""
    with job_session() as (session, _):
        sharing.check_failed(session, record_id, error)
