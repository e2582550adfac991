"""The development server names no software and answers its own errors as problem+json."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator

import pytest
import requests
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from mash.serving import QuietRequestHandler
from mash.settings import Settings
from tests.conftest import EXAMPLE_BODY


@pytest.fixture
def server(app: Flask) -> Iterator[BaseWSGIServer]:
    running = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    thread.join(timeout=5)


def raw_request(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}, body


def test_a_chunked_body_past_the_limit_is_refused_not_cut(
    settings: Settings, partner_factory, make_app: Callable[[Settings], Flask]
) -> None:
    app = make_app(settings.with_overrides(max_body_bytes=4096))
    running = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    try:
        partner = partner_factory(app)
        url = f"http://127.0.0.1:{running.server_port}/api/v1/contacts"
        for summary, status in (("x" * 5000, 413), ("Short.", 201)):
            body = {**EXAMPLE_BODY, "concerns": {**EXAMPLE_BODY["concerns"], "summary": summary}}
            raw = json.dumps(body).encode()
            chunks = (raw[i : i + 1000] for i in range(0, len(raw), 1000))
            headers = {**partner, "Content-Type": "application/json"}
            answer = requests.post(url, data=chunks, headers=headers, timeout=10)
            assert answer.status_code == status, answer.text
            assert answer.request.headers.get("Transfer-Encoding") == "chunked"
        assert answer.status_code == 201
    finally:
        running.shutdown()
        thread.join(timeout=5)


def test_no_product_or_version_in_the_server_header(server: BaseWSGIServer) -> None:
    response = requests.get(f"http://127.0.0.1:{server.server_port}/healthz", timeout=10)
    assert response.headers["Server"] == "MASH"


def test_too_many_headers_is_a_431_problem(server: BaseWSGIServer) -> None:
    headers = b"".join(b"X-Filler-%d: x\r\n" % n for n in range(150))
    status, found, body = raw_request(server.server_port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert status.split()[1] == "431"
    assert found["content-type"] == "application/problem+json"
    assert json.loads(body)["status"] == 431


def test_a_header_line_too_long_is_a_431_problem(server: BaseWSGIServer) -> None:
    status, found, body = raw_request(
        server.server_port, b"GET /healthz HTTP/1.1\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n"
    )
    assert status.split()[1] == "431"
    assert found["content-type"] == "application/problem+json"
    assert json.loads(body)["title"] == "Request Header Fields Too Large"
