"""The production shape, run by hand as operations.md says: gunicorn with gunicorn.conf.py and a `mash worker`,
on the test database (PostgreSQL in CI's second run) and a real Redis."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from flask import Flask
from redis import Redis

from mash.settings import Settings
from tests.conftest import EXAMPLE_BODY, new_user
from tests.server import free_port
from tests.workers.conftest import wait_for, worker_env

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def _token(app: Flask, role: str, organisation: str | None = None, agency: str | None = None) -> dict[str, str]:
    _, token = new_user(app.extensions["mash.sessionmaker"](), f"Prod {role}", role, organisation, agency)
    return {"Authorization": f"Bearer {token}"}


def _ready(base: str) -> bool:
    try:
        return requests.get(f"{base}/readyz", timeout=10).status_code == 200
    except requests.RequestException:
        return False


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_gunicorn_with_its_config_and_a_worker_screen_a_contact(
    make_redis_app: Callable[[str], Flask], redis_url: str, settings: Settings, start_worker: Any, tmp_path: Path
) -> None:
    app = make_redis_app(redis_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = worker_env(settings, redis_url, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1")
    env["MASH_LOG_LEVEL"] = "INFO"
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        web = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for(lambda: _ready(base), timeout=90, what="gunicorn to answer /readyz")
        ready = requests.get(f"{base}/readyz", timeout=5).json()
        assert ready["checks"] == {"database": "ok", "redis": "ok"}
        partner = _token(app, "partner", "Metropolitan Police", "police")
        created = requests.post(f"{base}/api/v1/contacts", json=EXAMPLE_BODY, headers=partner, timeout=10)
        assert created.status_code == 201, created.text
        assert created.headers["Server"] == "MASH"
        contact = created.json()["id"]
        worker = start_worker({**env, "MASH_LOG_LEVEL": "INFO"})
        screener = _token(app, "screener")

        def screened() -> bool:
            read = requests.get(f"{base}/api/v1/contacts/{contact}", headers=screener, timeout=5).json()
            return bool(read["status"] == "awaiting_decision")

        wait_for(screened, timeout=60, what="the worker to screen the contact")
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=30)
    worker.stop()
    web_lines = _json_lines(log.read_text())
    assert any(line.get("event") == "request" and line.get("status") == 201 for line in web_lines)
    worker_lines = _json_lines(worker.log.read_text())
    assert any(line.get("logger", "").startswith("rq.") for line in worker_lines)
    result_ttl = Redis.from_url(redis_url).ttl(f"rq:job:screen_contact-{contact}")
    assert 0 < result_ttl <= 300


def test_every_line_a_worker_writes_is_json(redis_url: str, settings: Settings) -> None:
    env = {**worker_env(settings, redis_url), "MASH_LOG_LEVEL": "INFO"}
    mash = str(Path(sys.executable).with_name("mash"))
    done = subprocess.run(
        [mash, "worker", "--burst", "--no-sweep"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = _json_lines(done.stdout + done.stderr)
    assert lines and all("event" in line and "level" in line and "timestamp" in line for line in lines)
    assert any(line.get("logger") == "rq.worker" for line in lines)
