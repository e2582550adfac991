"""The sweep hands on work that Redis lost or that a dead worker left started, and leaves live jobs alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from sqlalchemy import update

from mash.models import OutboxItem
from mash.settings import Settings
from tests.conftest import sweep
from tests.workers.conftest import wait_for, worker_env
from tests.workers.test_screening_jobs import screenings, status_of, submit


def fetch(redis_url: str, contact_id: str) -> Job:
    return Job.fetch(f"screen_contact-{contact_id}", connection=Redis.from_url(redis_url), serializer=JSONSerializer)


def enqueued_long_ago(app: Flask) -> None:
    """Date every outbox item's hand-over to RQ an hour back, past any retry-after setting."""
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(update(OutboxItem).values(enqueued_at=datetime.now(UTC) - timedelta(hours=1)))


def mark_started(redis_url: str, contact_id: str, started_at: datetime) -> None:
    """Make the queued job look taken by a worker at `started_at` (a worker that then died, if long ago)."""
    job = fetch(redis_url, contact_id)
    Queue("screening", connection=job.connection, serializer=JSONSerializer).remove(job)
    job.started_at = started_at
    job.set_status(JobStatus.STARTED)
    job.save()


def test_redis_restarted_empty_after_the_enqueue_is_screened_once(
    make_redis_app, redis_server, settings: Settings, start_worker, partner_factory, body
) -> None:
    app = make_redis_app(redis_server.url)
    contact_id = submit(app.test_client(), partner_factory(app), body)
    assert fetch(redis_server.url, contact_id).get_status() == JobStatus.QUEUED
    redis_server.stop()
    redis_server.start()
    assert Redis.from_url(redis_server.url).dbsize() == 0
    start_worker(worker_env(settings, redis_server.url))
    wait_for(lambda: status_of(app, contact_id) == "awaiting_decision", what="the sweep to send the job again")
    assert screenings(app, contact_id) == (1, 1)


def test_a_job_redis_lost_is_sent_again_by_the_sweep(make_redis_app, redis_url, partner_factory, body) -> None:
    app = make_redis_app(redis_url)
    contact_id = submit(app.test_client(), partner_factory(app), body)
    queue = Queue("screening", connection=Redis.from_url(redis_url), serializer=JSONSerializer)
    queue.connection.flushdb()
    enqueued_long_ago(app)
    assert sweep(app) == 1
    assert queue.job_ids == [f"screen_contact-{contact_id}"]
    assert fetch(redis_url, contact_id).get_status() == JobStatus.QUEUED


def test_a_job_started_longer_ago_than_its_timeout_is_queued_again(
    make_redis_app, redis_url, partner_factory, body
) -> None:
    app = make_redis_app(redis_url)
    contact_id = submit(app.test_client(), partner_factory(app), body)
    mark_started(redis_url, contact_id, datetime.now(UTC) - timedelta(hours=1))
    enqueued_long_ago(app)
    assert sweep(app) == 1
    assert fetch(redis_url, contact_id).get_status() == JobStatus.QUEUED
    assert Queue("screening", connection=Redis.from_url(redis_url), serializer=JSONSerializer).job_ids == [
        f"screen_contact-{contact_id}"
    ]
    job = fetch(redis_url, contact_id)
    assert (job.func_name, list(job.args), job.timeout, job.retries_left, job.description) == (
        "workers.screening.screen_contact",
        [contact_id],
        5,
        3,
        "screen_contact",
    )
    assert (job.result_ttl, job.failure_ttl) == (app.config["MASH_SETTINGS"].job_result_ttl_seconds, 7 * 24 * 3600)
    assert job.failure_callback is not None
    assert (job.failure_callback.__module__, job.failure_callback.__name__) == ("workers.callbacks", "job_failed")


def test_a_job_whose_worker_died_is_screened_once_by_another(
    make_redis_app, redis_url, settings: Settings, start_worker, partner_factory, body
) -> None:
    app = make_redis_app(redis_url)
    contact_id = submit(app.test_client(), partner_factory(app), body)
    mark_started(redis_url, contact_id, datetime.now(UTC) - timedelta(hours=1))
    enqueued_long_ago(app)
    start_worker(worker_env(settings, redis_url))
    wait_for(lambda: status_of(app, contact_id) == "awaiting_decision", what="screening of the job sent again")
    assert screenings(app, contact_id) == (1, 1)


def test_a_job_started_within_its_timeout_is_left_to_its_worker(
    make_redis_app, redis_url, partner_factory, body
) -> None:
    app = make_redis_app(redis_url)
    contact_id = submit(app.test_client(), partner_factory(app), body)
    mark_started(redis_url, contact_id, datetime.now(UTC))
    enqueued_long_ago(app)
    assert sweep(app) == 1
    assert fetch(redis_url, contact_id).get_status() == JobStatus.STARTED
    assert Queue("screening", connection=Redis.from_url(redis_url), serializer=JSONSerializer).count == 0
    assert status_of(app, contact_id) == "received"


def test_a_job_just_handed_to_rq_is_not_sent_again(make_redis_app, redis_url, partner_factory, body) -> None:
    app = make_redis_app(redis_url)
    contact_id = submit(app.test_client(), partner_factory(app), body)
    queue = Queue("screening", connection=Redis.from_url(redis_url), serializer=JSONSerializer)
    assert queue.job_ids == [f"screen_contact-{contact_id}"]
    assert sweep(app) == 0
    assert queue.job_ids == [f"screen_contact-{contact_id}"]


def test_a_job_rq_gave_up_on_is_sent_again(make_redis_app, redis_url, partner_factory, body) -> None:
    app = make_redis_app(redis_url)
    contact_id = submit(app.test_client(), partner_factory(app), body)
    mark_started(redis_url, contact_id, datetime.now(UTC))
    job = fetch(redis_url, contact_id)
    job.set_status(JobStatus.FAILED)
    enqueued_long_ago(app)
    assert sweep(app) == 1
    assert fetch(redis_url, contact_id).get_status() == JobStatus.QUEUED


def test_without_a_configured_timeout_a_started_job_is_held_for_the_jobs_own_timeout(
    make_redis_app, redis_url, partner_factory, body
) -> None:
    app = make_redis_app(redis_url, job_timeout_seconds=None)
    contact_id = submit(app.test_client(), partner_factory(app), body)
    mark_started(redis_url, contact_id, datetime.now(UTC) - timedelta(seconds=100))
    enqueued_long_ago(app)
    assert sweep(app) == 1
    assert fetch(redis_url, contact_id).get_status() == JobStatus.STARTED
    mark_started(redis_url, contact_id, datetime.now(UTC) - timedelta(seconds=130))
    assert sweep(app) == 1
    assert fetch(redis_url, contact_id).get_status() == JobStatus.QUEUED
    assert fetch(redis_url, contact_id).timeout == 120


def test_the_sweep_leaves_a_queued_job_alone_and_goes_on_to_send_a_lost_one(
    make_redis_app, redis_url, partner_factory, body
) -> None:
    app = make_redis_app(redis_url)
    client, partner = app.test_client(), partner_factory(app)
    queued = submit(client, partner, body)
    lost = submit(client, partner, body, ref="CAD 2")
    fetch(redis_url, lost).delete()
    enqueued_long_ago(app)
    assert sweep(app) == 2
    assert Queue("screening", connection=Redis.from_url(redis_url), serializer=JSONSerializer).job_ids == [
        f"screen_contact-{queued}",
        f"screen_contact-{lost}",
    ]
