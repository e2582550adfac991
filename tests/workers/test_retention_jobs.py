"""Destruction reaches Redis: a contact's queued and failed jobs are gone with it, on a real Redis."""

from __future__ import annotations

from collections.abc import Callable

from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from mash.services import feedback
from mash.settings import Settings
from tests.api.helpers import contact, post_contact
from tests.cli import mash_on
from tests.retention_support import decided_years_ago, staff_account, tables_naming
from workers.screening import screen_contact


def redis_keys_naming(url: str, *needles: str) -> list[str]:
    """Return every Redis key whose name or content holds one of the needles (lists, sets, hashes, strings)."""
    redis = Redis.from_url(url)
    found = []
    for key in redis.scan_iter():
        kind = redis.type(key).decode()
        readers: dict[str, Callable[[bytes], object]] = {
            "string": redis.get,
            "hash": redis.hgetall,
            "list": lambda k: redis.lrange(k, 0, -1),
            "set": redis.smembers,
            "zset": lambda k: redis.zrange(k, 0, -1),
        }
        content = readers[kind](key) if kind in readers else b""
        if any(needle in repr(key) + repr(content) for needle in needles):
            found.append(key.decode())
    return found


def leave_failed(url: str, job_id: str) -> None:
    """Move a queued job to the failed registry, as a worker that gave up on it would."""
    job = Job.fetch(job_id, connection=Redis.from_url(url), serializer=JSONSerializer)
    queue = Queue(job.origin, connection=job.connection, serializer=JSONSerializer)
    queue.remove(job)
    job.set_status(JobStatus.FAILED)
    queue.failed_job_registry.add(job, ttl=7 * 24 * 3600, exc_string="PartnerUnavailable")


def test_destroy_removes_the_contacts_queued_and_failed_jobs_from_redis(
    make_redis_app, redis_url: str, settings: Settings, partner_factory, manager_factory
) -> None:
    app = make_redis_app(redis_url)
    client = app.test_client()
    partner, manager = partner_factory(app), manager_factory(app)
    by = staff_account(app)
    session = app.extensions["mash.sessionmaker"]()
    try:
        feedback.register_webhook(session, "Metropolitan Police", "http://127.0.0.1:9/feedback")
    finally:
        session.close()
    contact_id = post_contact(client, partner, contact("REDIS-1", categories=["neglect"]))
    with app.app_context():
        screen_contact(contact_id)
    answer = client.post(
        f"/api/v1/contacts/{contact_id}/decision",
        json={"outcome": "signpost", "rag": "green", "rationale": "Housing can help."},
        headers=manager,
    )
    assert answer.status_code == 201, answer.get_json()
    leave_failed(redis_url, f"screen_contact-{contact_id}")
    queue = Queue("screening", connection=Redis.from_url(redis_url), serializer=JSONSerializer)
    assert f"screen_contact-{contact_id}" in queue.failed_job_registry.get_job_ids()
    feedback_jobs = Queue("notifications", connection=Redis.from_url(redis_url), serializer=JSONSerializer).job_ids
    assert len(feedback_jobs) == 1
    feedback_id = feedback_jobs[0].removeprefix("send_feedback-")
    assert redis_keys_naming(redis_url, contact_id) and redis_keys_naming(redis_url, feedback_id)
    decided_years_ago(app, contact_id, 7)

    reviewed = mash_on(settings, "retention", "review", REDIS_URL=redis_url)
    assert reviewed.returncode == 0, reviewed.stderr
    review_id = reviewed.stdout.split()[1]
    done = mash_on(settings, "retention", "destroy", review_id, "--by", by, "--confirm", REDIS_URL=redis_url)
    assert done.returncode == 0, done.stderr
    assert "removed 2 queued or failed jobs" in done.stdout
    assert redis_keys_naming(redis_url, contact_id, feedback_id) == []
    assert tables_naming(app, contact_id, feedback_id) == {}


def test_destroy_with_redis_down_destroys_nothing_and_says_so(
    make_redis_app, redis_server, settings: Settings, partner_factory, manager_factory
) -> None:
    app = make_redis_app(redis_server.url)
    client = app.test_client()
    partner, manager = partner_factory(app), manager_factory(app)
    by = staff_account(app)
    contact_id = post_contact(client, partner, contact("REDIS-2", categories=["neglect"]))
    with app.app_context():
        screen_contact(contact_id)
    decision = {"outcome": "signpost", "rag": "green", "rationale": "Housing can help."}
    assert client.post(f"/api/v1/contacts/{contact_id}/decision", json=decision, headers=manager).status_code == 201
    decided_years_ago(app, contact_id, 7)
    reviewed = mash_on(settings, "retention", "review", REDIS_URL=redis_server.url)
    assert reviewed.returncode == 0, reviewed.stderr
    redis_server.stop()
    destroy = ("retention", "destroy", reviewed.stdout.split()[1], "--by", by, "--confirm")
    done = mash_on(settings, *destroy, REDIS_URL=redis_server.url)
    assert done.returncode == 1 and "cannot reach Redis" in done.stderr
    assert tables_naming(app, contact_id)["contacts"] == 1
