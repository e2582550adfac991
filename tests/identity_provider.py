"""A small OpenID Connect provider and OAuth2 authorisation server on 127.0.0.1, for tests.

It serves discovery, its signing keys (JWKS), a token endpoint that issues client-credentials access tokens and
authorization-code tokens (PKCE S256 checked), and an authorize endpoint that approves one configured person at once.
Its keys are made per test session; `rotate()` replaces them as a real provider rotates its keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

AUDIENCE = "mash-api"
STAFF_CLIENT_ID = "mash-staff-pages"
STAFF_CLIENT_SECRET = "staff-pages-secret"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class IdentityProvider:
    """An identity provider the tests run on a free port; its state is reset before each test."""

    def __init__(self) -> None:
        self.app = Flask(__name__)
        self._routes()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.key = self._new_key()
        self.reset()

    def reset(self) -> None:
        """Forget what the last test set up: clients, the approved person, codes, counts, forged nonces and issuers."""
        self.clients: dict[str, dict[str, Any]] = {STAFF_CLIENT_ID: {"secret": STAFF_CLIENT_SECRET, "claims": {}}}
        self.person: dict[str, Any] = {"sub": "person-1", "email": "screener@council.example"}
        self.codes: dict[str, dict[str, Any]] = {}
        self.jwks_fetches = 0
        self.discovery_fetches = 0
        self.nonce_instead: str | None = None
        self.issuer_instead: str | None = None

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._thread.join(timeout=5)

    @staticmethod
    def _new_key() -> Any:
        return RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8)}, private=True)

    def rotate(self) -> None:
        """Replace the signing key with a new one under a new key id; the old one is no longer published."""
        self.key = self._new_key()

    def add_client(self, client_id: str, organisation: str, agency_type: str) -> str:
        """Register a partner system; return its client secret."""
        secret = secrets.token_urlsafe(16)
        claims = {"organisation": organisation, "agency_type": agency_type}
        self.clients[client_id] = {"secret": secret, "claims": claims}
        return secret

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        """Sign claims with the current key (RS256 and its key id unless the header says otherwise)."""
        fields = {"alg": "RS256", "kid": self.key.kid, **header}
        return jwt.encode(fields, claims, self.key, algorithms=[fields["alg"]])

    def access_claims(self, client_id: str, **overrides: Any) -> dict[str, Any]:
        """Return the claims of a client-credentials access token for a client, with some replaced."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "client_id": client_id,
            "sub": client_id,
            **self.clients.get(client_id, {"claims": {}})["claims"],
        }
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def public_pem(self) -> bytes:
        """Return the current public key in PEM, as anyone can derive it from the JWKS."""
        pem: bytes = self.key.as_pem(private=False)
        return pem

    @staticmethod
    def unsigned(header: dict[str, Any], claims: dict[str, Any], secret: bytes | None = None) -> str:
        """Return a token with no signature, or signed HS256 with `secret` (as an attacker holding a public key)."""
        head = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
        if secret is None:
            return head + "."
        return head + "." + _b64(hmac.new(secret, head.encode(), hashlib.sha256).digest())

    def _client(self) -> str:
        auth = request.authorization
        client_id, secret = (
            (auth.username, auth.password)
            if auth
            else (request.form.get("client_id"), request.form.get("client_secret"))
        )
        client = self.clients.get(client_id or "")
        if client is None or not secret or not hmac.compare_digest(client["secret"], secret):
            abort(401)
        return str(client_id)

    def _routes(self) -> None:
        app = self.app

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Response:
            self.discovery_fetches += 1
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=self.issuer + "/authorize",
                token_endpoint=self.issuer + "/token",
                jwks_uri=self.issuer + "/jwks",
                response_types_supported=["code"],
                grant_types_supported=["authorization_code", "client_credentials"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                subject_types_supported=["public"],
            )

        @app.get("/jwks")
        def jwks() -> Response:
            self.jwks_fetches += 1
            return jsonify(keys=[self.key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize() -> Response:
            args = request.args
            if args.get("response_type") != "code" or args.get("client_id") not in self.clients:
                abort(400)
            if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
                abort(400)
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "client_id": args["client_id"],
                "redirect_uri": args.get("redirect_uri"),
                "nonce": args.get("nonce"),
                "challenge": args["code_challenge"],
                "person": dict(self.person),
            }
            return redirect(f"{args.get('redirect_uri')}?{urlencode({'code': code, 'state': args.get('state')})}")

        @app.post("/token")
        def token() -> Response:
            client_id = self._client()
            if request.form.get("grant_type") == "client_credentials":
                return jsonify(
                    access_token=self.sign(self.access_claims(client_id)), token_type="Bearer", expires_in=300
                )
            granted = self.codes.pop(request.form.get("code", ""), None)
            verifier = request.form.get("code_verifier", "")
            if (
                request.form.get("grant_type") != "authorization_code"
                or granted is None
                or granted["client_id"] != client_id
                or granted["redirect_uri"] != request.form.get("redirect_uri")
                or _b64(hashlib.sha256(verifier.encode()).digest()) != granted["challenge"]
            ):
                return Response(json.dumps({"error": "invalid_grant"}), status=400, mimetype="application/json")
            now = int(time.time())
            id_token = self.sign(
                {
                    "iss": self.issuer_instead or self.issuer,
                    "aud": client_id,
                    "iat": now,
                    "exp": now + 300,
                    "nonce": self.nonce_instead or granted["nonce"],
                    **granted["person"],
                }
            )
            return jsonify(
                access_token=secrets.token_urlsafe(16), id_token=id_token, token_type="Bearer", expires_in=300
            )
