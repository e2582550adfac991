"""The development server's request handler: no product banner, and its own errors as problem+json."""

from __future__ import annotations

import json

from werkzeug.serving import WSGIRequestHandler

from mash.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE

SERVER_NAME = "MASH"


class QuietRequestHandler(WSGIRequestHandler):
    """Name no server software or version, and answer what fails before the app is reached (a 431 for too many or
    too long headers, a 400 for a broken request line) as problem+json, as the app answers everything else."""

    def version_string(self) -> str:
        return SERVER_NAME

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        title = self.responses.get(code, ("Error", ""))[0]
        body = json.dumps(
            {"type": f"{PROBLEM_BASE}http-{code}", "title": title, "status": code, "detail": message or title}
        ).encode()
        self.close_connection = True
        self.send_response(code, title)
        self.send_header("Content-Type", PROBLEM_MEDIA_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200:
            self.wfile.write(body)
