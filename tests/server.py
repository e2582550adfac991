"""Serve an app over real HTTP on 127.0.0.1 from a thread, for tests that need real concurrency."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from mash.serving import closed_when_written


def free_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _InFlight:
    """A WSGI app that counts the requests still being handled, up to the end of the work after each answer."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.count = 0
        self.idle = threading.Condition()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self.idle:
            self.count += 1
        return self._answer(environ, start_response)

    def _answer(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        try:
            yield from self.app(environ, start_response)
        finally:  # the answer's own close() (and the jobs it hands on) has run
            with self.idle:
                self.count -= 1
                self.idle.notify_all()

    def wait(self, timeout: float) -> None:
        with self.idle:
            self.idle.wait_for(lambda: self.count == 0, timeout=timeout)


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Run the app on a free port until the block ends; yield its base URL.

    On leaving, wait for every request still being handled, with the jobs it runs after its answer is sent: a test
    that ends while one is still screening a contact would empty the tables under it (a deadlock on PostgreSQL).
    """
    in_flight = _InFlight(closed_when_written(app))
    server = make_server("127.0.0.1", 0, in_flight, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        in_flight.wait(timeout=30)
        thread.join(timeout=5)
