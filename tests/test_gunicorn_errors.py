"""gunicorn with the service's configuration answers its own errors as problem+json and names no software."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from mash.settings import Settings
from tests.server import free_port
from tests.test_serving import raw_request

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def test_gunicorn_answers_headers_too_large_as_a_431_problem(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DATABASE_URL=settings.database_url,
        MASH_LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
    )
    with (tmp_path / "gunicorn.log").open("wb") as out:
        server = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still loading the app on a busy machine
                pass
            assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
            time.sleep(0.2)
        headers = b"".join(b"X-Filler-%d: x\r\n" % n for n in range(150))
        status, found, body = raw_request(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
        assert status.split()[1] == "431"
        assert found["content-type"] == "application/problem+json"
        assert found["server"] == "MASH"
        assert json.loads(body)["status"] == 431
        status, found, body = raw_request(port, b"GET /<script> HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
        assert found["content-type"] == "application/problem+json"
        assert b"script" not in body
    finally:
        server.terminate()
        server.wait(timeout=30)
