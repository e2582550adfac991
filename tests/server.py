"""Serve an app over real HTTP on 127.0.0.1 from a thread, for tests that need real concurrency."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server

from mash.serving import closed_when_written


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Run the app on a free port until the block ends; yield its base URL."""
    server = make_server("127.0.0.1", 0, closed_when_written(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
