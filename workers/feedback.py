"""Feedback delivery jobs."""

from __future__ import annotations

from mash.services import feedback
from workers import job_session


def send_feedback(feedback_id: str) -> bool:
    """Deliver one feedback message to the referrer's webhook (a no-op once delivered)."""
    with job_session() as (session, settings):
        return feedback.send(session, feedback_id, settings.partner_timeout_seconds)


def feedback_failed(feedback_id: str, error: str) -> None:
    """Record feedback that could not be delivered after every retry."""
    with job_session() as (session, _):
        feedback.mark_failed(session, feedback_id, error)
