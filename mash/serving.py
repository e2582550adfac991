"""The development server's request handler: no product banner, its own errors as problem+json, and every answer
closed once it is written."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from werkzeug.serving import WSGIRequestHandler

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

from mash.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE

SERVER_NAME = "MASH"


def problem_body(status: int, title: str, detail: str | None = None) -> bytes:
    """Return the problem+json body for an error a server answers before the app sees the request."""
    doc = {"type": f"{PROBLEM_BASE}http-{status}", "title": title, "status": status, "detail": detail or title}
    return json.dumps(doc).encode()


def problem_reply(status: int, title: str) -> bytes:
    """Return a whole HTTP/1.1 error reply with a problem+json body (the connection is then closed)."""
    body = problem_body(status, title)
    head = (
        f"HTTP/1.1 {status} {title}\r\nServer: {SERVER_NAME}\r\nConnection: close\r\n"
        f"Content-Type: {PROBLEM_MEDIA_TYPE}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class QuietRequestHandler(WSGIRequestHandler):
    """Name no server software or version, and answer what fails before the app is reached (a 431 for too many or
    too long headers, a 400 for a broken request line) as problem+json, as the app answers everything else."""

    def version_string(self) -> str:
        return SERVER_NAME

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        title = self.responses.get(code, ("Error", ""))[0]
        body = problem_body(code, title, message)
        self.close_connection = True
        self.send_response(code, title)
        self.send_header("Content-Type", PROBLEM_MEDIA_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200:
            self.wfile.write(body)


def closed_when_written(app: WSGIApplication) -> WSGIApplication:
    """Close each answer as soon as its last byte is written, instead of waiting for the server to close it.

    A request hands on its jobs from its answer's close() (mash.app), so that nobody waits for them. Werkzeug's
    development server skips close() when the client resets the connection while the server drains it after the
    answer, as a browser may after a form's redirect: the jobs were then left to the outbox sweep, up to
    MASH_SWEEP_SECONDS later. gunicorn always calls close(); this is for `mash run` and the tests' live servers.
    """

    def wrapped(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return _closing(app(environ, start_response))

    return wrapped


def _closing(answer: Iterable[bytes]) -> Iterator[bytes]:
    try:
        yield from answer
    finally:  # the last byte is written, the server closed us, or it dropped us unfinished
        close: Any = getattr(answer, "close", None)
        if close is not None:
            close()
