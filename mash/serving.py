"""The development server's request handler: no product banner, and its own errors as problem+json."""

from __future__ import annotations

import json

from werkzeug.serving import WSGIRequestHandler

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
