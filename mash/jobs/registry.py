"""Every job by name: its function and failure handler by dotted path, its queue and timeout."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mash.job_names import REQUEST_CHECK, RESCREEN_CONTACT, SCREEN_CONTACT, SEND_FEEDBACK

QUEUES = ("screening", "checks", "notifications")


@dataclass(frozen=True)
class JobSpec:
    """How one kind of job runs: its function and failure handler by dotted path, its queue and timeout."""

    func: str
    on_failure: str
    queue: str
    timeout: int = 120


JOBS: dict[str, JobSpec] = {
    SCREEN_CONTACT: JobSpec("workers.screening.screen_contact", "workers.screening.screening_failed", "screening"),
    RESCREEN_CONTACT: JobSpec("workers.screening.rescreen_contact", "workers.screening.rescreen_failed", "screening"),
    SEND_FEEDBACK: JobSpec("workers.feedback.send_feedback", "workers.feedback.feedback_failed", "notifications"),
    REQUEST_CHECK: JobSpec("workers.checks.request_check", "workers.checks.check_failed", "checks"),
}
RQ_FAILURE_CALLBACK = "workers.callbacks.job_failed"


def resolve(dotted: str) -> Callable[..., Any]:
    """Import a function named by its dotted path."""
    module, _, name = dotted.rpartition(".")
    func: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return func


def job_id(job: str, entity_id: str) -> str:
    """Return the RQ job id for a job on a record: the same work always has the same id."""
    return f"{job}-{entity_id}"
