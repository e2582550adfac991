"""A request's jobs run once its answer has gone: a POST never waits for screening or partners, and loses nothing."""

from __future__ import annotations

import copy
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import create_engine, text

from mash import migrations
from mash.settings import PartnerSettings, Settings
from tests.api.helpers import RED, contact
from tests.conftest import EXAMPLE_BODY
from tests.partners import Simulator
from tests.server import free_port, serving

MASH = str(Path(sys.executable).with_name("mash"))


@pytest.fixture
def slow_partners(simulator: Simulator) -> Simulator:
    """The partner simulator on 127.0.0.1, answering every agency after two seconds."""
    simulator.control(mode="slow", delay=2.0)
    return simulator


def _until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_a_post_is_answered_before_the_partner_checks_it_asks_for_run(
    app: Flask, partner: dict[str, str], screener: dict[str, str], slow_partners: Simulator
) -> None:
    settings: Settings = app.config["MASH_SETTINGS"]
    agency = PartnerSettings(slow_partners.url, "test-token")
    app.config["MASH_SETTINGS"] = replace(
        settings, police=agency, health=agency, education=agency, partner_timeout_seconds=5.0
    )
    with serving(app) as base:
        started = time.monotonic()
        posted = requests.post(f"{base}/api/v1/contacts", json=contact("SLOW", **RED), headers=partner, timeout=30)
        answered_in = time.monotonic() - started
        assert posted.status_code == 201, posted.text
        ledger_url = f"{base}/api/v1/contacts/{posted.json()['id']}/information-sharing"

        def statuses() -> set[str]:
            items = requests.get(ledger_url, headers=screener, timeout=30).json()["items"]
            return {item["status"] for item in items if item["direction"] == "requested"}

        assert answered_in < 2.0, f"the POST waited {answered_in:.1f} s for the partners"
        assert _until(lambda: statuses() == {"pending"}, 60), "the screening's checks were never seen waiting"
        assert _until(lambda: statuses() == {"answered"}, 60), statuses()


@contextmanager
def _server(database_url: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASH_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DATABASE_URL=database_url, MASH_SWEEP_SECONDS="1", MASH_LOG_LEVEL="WARNING")
    process = subprocess.Popen(
        [MASH, "run", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        up = _until(lambda: _answers(port), 60)
        assert up, "mash run did not answer"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def _answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except requests.ConnectionError:
        return False


def _post_then_reset(base: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    """POST over a raw socket with a few bytes too many, read the whole answer, then reset the connection.

    The extra bytes keep werkzeug's development server reading the socket after its answer, so the reset lands in
    that read: the server then never calls the answer's close(), as happens when a browser resets after a redirect.
    """
    host, port = base.removeprefix("http://").split(":")
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n{head}"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(request + b"\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += conn.recv(65536)
        top, _, rest = answer.partition(b"\r\n\r\n")
        length = int(
            next(line for line in top.split(b"\r\n") if line.lower().startswith(b"content-length")).split(b":")[1]
        )
        while len(rest) < length:
            rest += conn.recv(65536)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
    return top + b"\r\n\r\n" + rest


def test_a_post_whose_client_resets_the_connection_still_hands_on_its_jobs(
    app: Flask, partner: dict[str, str], screener: dict[str, str]
) -> None:
    """With no sweep running, only the hand-on after the answer can screen the contact."""
    with serving(app) as base:
        body = json.dumps(contact("RESET", **RED)).encode()
        answer = _post_then_reset(base, "/api/v1/contacts", partner, body)
        assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
        contact_id = json.loads(answer.partition(b"\r\n\r\n")[2])["id"]

        def screened() -> bool:
            found = requests.get(f"{base}/api/v1/contacts/{contact_id}", headers=screener, timeout=30).json()
            return bool(found["status"] == "awaiting_decision")

        assert _until(screened, 20), "the contact was never screened: its job was not handed on"


def test_a_contact_whose_process_died_before_screening_is_screened_when_it_starts_again(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path}/mash.sqlite3"
    migrations.upgrade(database_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASH_") and k != "REDIS_URL"}
    subprocess.run(
        [MASH, "organisations", "add", "Met", "--agency-type", "police"],
        env={**env, "DATABASE_URL": database_url},
        capture_output=True,
        timeout=240,
        check=True,
    )
    created = subprocess.run(
        [MASH, "users", "create", "PC Smith", "--role", "partner", "--organisation", "Met", "--agency-type", "police"],
        env={**env, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )
    headers = {"Authorization": "Bearer " + created.stdout.splitlines()[-1]}
    body: dict[str, Any] = copy.deepcopy(EXAMPLE_BODY)
    engine = create_engine(database_url)
    port = free_port()

    def status() -> str:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT status FROM contacts")).scalar_one())

    with _server(database_url, port) as process:
        posted = requests.post(f"http://127.0.0.1:{port}/api/v1/contacts", json=body, headers=headers, timeout=30)
        # The answer has gone; screening (which first loads the language models) has not finished. Kill it now.
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert posted.status_code == 201, posted.text
    assert status() == "received"

    with _server(database_url, port):
        assert _until(lambda: status() == "awaiting_decision", 120), status()
    with engine.connect() as conn:
        recommendations = conn.execute(text("SELECT COUNT(*) FROM recommendations")).scalar_one()
        screened = conn.execute(text("SELECT COUNT(*) FROM audit_events WHERE action = 'contact.screened'")).scalar()
    engine.dispose()
    assert (recommendations, screened) == (1, 1)
