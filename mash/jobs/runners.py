"""The one place that enqueues: job names, queues, retry and failure policy, and the outbox relay."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import structlog
from flask import Flask
from redis import Redis
from redis.exceptions import RedisError
from rq import Callback, Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from mash.job_names import REQUEST_CHECK, RESCREEN_CONTACT, SCREEN_CONTACT, SEND_FEEDBACK
from mash.models import OutboxItem
from mash.services import outbox, sharing
from mash.settings import Settings

log = structlog.get_logger(__name__)

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
# Service functions the sweep also runs, each with a fresh session and the current time.
PERIODIC: tuple[Callable[[Session, datetime], object], ...] = (sharing.mark_overdue,)


def resolve(dotted: str) -> Callable[..., Any]:
    """Import a function named by its dotted path."""
    module, _, name = dotted.rpartition(".")
    func: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return func


def job_id(job: str, entity_id: str) -> str:
    """Return the RQ job id for a job on a record: the same work always has the same id."""
    return f"{job}-{entity_id}"


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


def _collect_new_items(session: Session, _flush_context: Any, _instances: Any) -> None:
    for obj in session.new:
        if isinstance(obj, OutboxItem):
            session.info.setdefault("outbox_pending", []).append(obj)


def _after_commit(session: Session) -> None:
    pending = session.info.pop("outbox_pending", [])
    if pending:
        session.info.setdefault("outbox_ready", []).extend(pending)


def _after_rollback(session: Session) -> None:
    session.info.pop("outbox_pending", None)


class Relay:
    """Moves committed outbox items to the runner; the sweep catches whatever did not get there."""

    def __init__(self, factory: sessionmaker[Session], runner: Runner, settings: Settings) -> None:
        self.factory = factory
        self.runner = runner
        self.stale_after = timedelta(seconds=settings.screening_retry_after_seconds)
        event.listen(factory, "before_flush", _collect_new_items)
        event.listen(factory, "after_commit", _after_commit)
        event.listen(factory, "after_soft_rollback", lambda s, _t: _after_rollback(s))

    def flush(self, session: Session) -> None:
        """Dispatch the outbox items this session committed."""
        self.send(self.take(session))

    def take(self, session: Session) -> list[OutboxItem]:
        """Return (and forget) the outbox items this session committed, to dispatch them later with `send`."""
        ready: list[OutboxItem] = session.info.pop("outbox_ready", [])
        return ready

    def sweep(self) -> int:
        """Dispatch every pending item never enqueued or enqueued too long ago, then run PERIODIC; return how many."""
        session = self.factory()
        try:
            items = outbox.due(session, stale_after=self.stale_after)
        finally:
            session.close()
        self.send(items)
        self._run_periodic()
        return len(items)

    def _run_periodic(self) -> None:
        for task in PERIODIC:
            session = self.factory()
            try:
                task(session, datetime.now(UTC))
            except Exception as exc:
                log.warning("periodic_task_failed", task=task.__name__, error_type=type(exc).__name__)
            finally:
                session.close()

    def send(self, items: list[OutboxItem]) -> None:
        """Dispatch committed outbox items to the runner and note them enqueued."""
        if not items:
            return
        sent = self.runner.dispatch(items)
        session = self.factory()
        try:
            outbox.mark_enqueued(session, sent)
        finally:
            session.close()


def build_runner(settings: Settings) -> Runner:
    """Choose Redis and RQ when REDIS_URL is set, otherwise run jobs in this process."""
    if settings.redis_url:
        return RqRunner(Redis.from_url(settings.redis_url), settings)
    return InProcessRunner(settings)


def init_app(app: Flask, settings: Settings) -> Relay:
    """Attach the relay to the app and dispatch each request's committed outbox items after it."""
    relay = Relay(app.extensions["mash.sessionmaker"], build_runner(settings), settings)
    app.extensions["mash.relay"] = relay
    return relay


def start_sweeper(relay: Relay, interval: float, stop: threading.Event | None = None) -> threading.Thread:
    """Sweep the outbox every `interval` seconds on a daemon thread until `stop` is set."""
    stop = stop or threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                relay.sweep()
            except Exception as exc:
                log.warning("sweep_failed", error_type=type(exc).__name__)

    thread = threading.Thread(target=loop, name="mash-outbox-sweep", daemon=True)
    thread.start()
    return thread
