"""Every job a service can record has a runner and a failure handler, and a name that is no job fails in the
transaction that records it, before anything is committed."""

from __future__ import annotations

import pytest
from flask import Flask

from mash import job_names
from mash.jobs.registry import JOBS, QUEUES, resolve
from mash.services import outbox
from tests.conftest import count_rows


def test_every_job_name_has_a_spec_and_every_spec_a_name() -> None:
    assert set(JOBS) == job_names.ALL


@pytest.mark.parametrize("name", sorted(job_names.ALL))
def test_each_job_runs_a_function_that_exists_on_a_known_queue(name: str) -> None:
    spec = JOBS[name]
    assert callable(resolve(spec.func)) and callable(resolve(spec.on_failure))
    assert spec.queue in QUEUES


def test_a_job_name_that_does_not_exist_fails_before_the_commit(app: Flask) -> None:
    session = app.extensions["mash.sessionmaker"]()
    with pytest.raises(ValueError, match="no job is named 'screen_contacts'"), session.begin():
        outbox.add(session, "screen_contacts", "a-contact")
    session.close()
    assert count_rows(app, "outbox") == {"outbox": 0}
