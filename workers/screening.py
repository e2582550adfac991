"""Screening jobs."""

from __future__ import annotations

from mash.services import screening
from workers import job_session


def screen_contact(contact_id: str) -> bool:
    """Screen one contact (a no-op if it has been screened already)."""
    with job_session() as (session, settings):
        return screening.screen_contact(session, contact_id, settings)


def rescreen_contact(contact_id: str) -> bool:
    """Screen a contact again, for example when a confirmed match changes its history."""
    with job_session() as (session, settings):
        return screening.screen_contact(session, contact_id, settings, rescreen=True)


def screening_failed(contact_id: str, error: str) -> None:
    """Mark a contact whose screening failed for good."""
    with job_session() as (session, _):
        screening.screening_failed(session, contact_id, error)


def rescreen_failed(contact_id: str, error: str) -> None:
    """Leave the earlier recommendation in place when a re-screen fails for good (the contact is not stuck)."""
    with job_session() as (session, _):
        screening.rescreen_failed(session, contact_id, error)
