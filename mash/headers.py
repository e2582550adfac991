"""Security headers on every response: no caching of personal data, HSTS, nosniff and a content security policy."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Response

API_CSP = "default-src 'none'; frame-ancestors 'none'"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
HSTS = "max-age=31536000; includeSubDomains"


def _docs_csp(page: str) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in INLINE_SCRIPT.findall(page)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )


def secure(response: Response, *, https: bool) -> Response:
    """Add the security headers a response lacks.

    Every response is `no-store` unless it says otherwise (only static assets do): personal data must not stay in a
    browser's or proxy's cache. HTML pages that set no policy of their own (the API documentation) get one allowing
    only their own inline scripts, by hash. HSTS is sent when the service runs behind HTTPS (not in development).
    """
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Cache-Control", "no-store")
    if https:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if "Content-Security-Policy" not in headers:
        if response.mimetype == "text/html" and not response.is_streamed:
            headers["Content-Security-Policy"] = _docs_csp(response.get_data(as_text=True))
        else:
            headers["Content-Security-Policy"] = API_CSP
    headers.setdefault("Referrer-Policy", "no-referrer")
    return response
