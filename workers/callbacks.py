"""RQ callbacks: when a job has no retries left, hand its failure to the job's own failure handler."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from mash.jobs.registry import JOBS, resolve


def job_failed(
    job: Any,
    connection: Any,
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    traceback: TracebackType | None,
) -> None:
    """Record a job's final failure in the database; earlier failures are retried by RQ."""
    if job.retries_left:
        return
    spec = JOBS.get(job.description or "")
    if spec is None:
        return
    resolve(spec.on_failure)(job.args[0], exc_type.__name__ if exc_type else "unknown")
