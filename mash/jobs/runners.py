"""What carries jobs out: RQ on Redis for `mash worker` processes, or this process right after the commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Protocol

import structlog
from redis import Redis
from redis.exceptions import RedisError
from rq import Callback, Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from mash.jobs.registry import JOBS, QUEUES, RQ_FAILURE_CALLBACK, JobSpec, job_id, resolve
from mash.models import OutboxItem
from mash.settings import Settings

log = structlog.get_logger(__name__)


class Runner(Protocol):
    """Hands outbox items to whatever runs jobs."""

    def dispatch(self, items: Iterable[OutboxItem]) -> list[str]: ...

    def forget(self, entity_ids: Iterable[str]) -> int: ...


class RqRunner:
    """Enqueues jobs on Redis for `mash worker` processes, JSON-serialised, with retries and a failure callback."""

    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.retry = Retry(max=settings.job_retries, interval=list(settings.job_retry_intervals))
        self.queues = {name: Queue(name, connection=redis, serializer=JSONSerializer) for name in QUEUES}
        self.timeout = settings.job_timeout_seconds
        self.result_ttl = settings.job_result_ttl_seconds
        self.grace_seconds = 5

    def _timeout(self, spec: JobSpec) -> int:
        return self.timeout or spec.timeout

    def _in_hand(self, item: OutboxItem, spec: JobSpec) -> bool:
        """Say whether RQ still holds this job: queued, scheduled for a retry, or started and within its timeout."""
        try:
            job = Job.fetch(job_id(item.job, item.entity_id), connection=self.redis, serializer=JSONSerializer)
        except NoSuchJobError:
            return False
        status = job.get_status(refresh=False)
        if status in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED):
            return True
        if status == JobStatus.STARTED and job.started_at is not None:
            started = job.started_at if job.started_at.tzinfo else job.started_at.replace(tzinfo=UTC)
            return datetime.now(UTC) - started < timedelta(seconds=self._timeout(spec) + self.grace_seconds)
        return False

    def dispatch(self, items: Iterable[OutboxItem]) -> list[str]:
        """Enqueue each item RQ does not already hold; return the ids of those Redis accepted."""
        sent: list[str] = []
        for item in items:
            spec = JOBS[item.job]
            try:
                if item.enqueued_at is not None and self._in_hand(item, spec):
                    continue
                self.queues[spec.queue].enqueue(
                    spec.func,
                    item.entity_id,
                    job_id=job_id(item.job, item.entity_id),
                    job_timeout=self._timeout(spec),
                    retry=self.retry,
                    on_failure=Callback(RQ_FAILURE_CALLBACK),
                    result_ttl=self.result_ttl,
                    failure_ttl=7 * 24 * 3600,
                    description=item.job,
                )
            except RedisError as exc:
                log.warning("enqueue_failed", job=item.job, outbox_id=item.id, error_type=type(exc).__name__)
                break
            sent.append(item.id)
        return sent

    def forget(self, entity_ids: Iterable[str]) -> int:
        """Delete every job on these records from Redis, queued, scheduled, started, finished or failed; return how
        many jobs were still there. Redis errors propagate, so the caller's transaction rolls back."""
        removed = 0
        for entity_id in entity_ids:
            for name in JOBS:
                key = job_id(name, entity_id)
                try:
                    Job.fetch(key, connection=self.redis, serializer=JSONSerializer).delete()
                    removed += 1
                except NoSuchJobError:
                    pass
                for queue in self.queues.values():
                    queue.remove(key)
                    for registry in (
                        queue.failed_job_registry,
                        queue.finished_job_registry,
                        queue.scheduled_job_registry,
                        queue.deferred_job_registry,
                        queue.started_job_registry,
                        queue.canceled_job_registry,
                    ):
                        self.redis.zrem(registry.key, key)
        return removed


class InProcessRunner:
    """Runs jobs in this process right after the commit that asked for them (no Redis configured)."""

    def __init__(self, settings: Settings) -> None:
        self.max_attempts = settings.job_retries + 1

    def dispatch(self, items: Iterable[OutboxItem]) -> list[str]:
        """Run each item's job now; a failure is left for the sweep, and after the last attempt reported."""
        ran: list[str] = []
        for item in items:
            spec = JOBS[item.job]
            ran.append(item.id)
            try:
                resolve(spec.func)(item.entity_id)
            except Exception as exc:
                log.warning("job_failed", job=item.job, outbox_id=item.id, error_type=type(exc).__name__)
                if item.attempts + 1 >= self.max_attempts:
                    resolve(spec.on_failure)(item.entity_id, type(exc).__name__)
        return ran

    def forget(self, entity_ids: Iterable[str]) -> int:
        """Nothing waits in a queue when jobs run in this process: the outbox rows are the only record of them."""
        return 0


def build_runner(settings: Settings) -> Runner:
    """Choose Redis and RQ when REDIS_URL is set, otherwise run jobs in this process."""
    if settings.redis_url:
        return RqRunner(Redis.from_url(settings.redis_url), settings)
    return InProcessRunner(settings)
