"""A simulator of the partner agencies' APIs over real HTTP, with switches that make them slow or broken.

Partner routes (each needs `Authorization: Bearer <token>`; any token unless `tokens` is given):
    POST /police/v1/person-checks        police incidents and warning markers
    GET  /fhir/Patient                   FHIR R4 Patient search (identifier, or family + given + birthdate)
    POST /fhir/Patient/_search           the same search as a form body, as the service sends it
    POST /education/v1/pupil-searches    school, attendance, exclusions, SEN

Test routes (no token):
    GET  /_control      the current behaviour
    POST /_control      replace it: {"mode": "normal" | "slow" | "error" | "malformed" | "invalid" | "reject",
                        "delay": seconds, "status": 429 | 500 | 502 | 503 | 504, "retry_after": seconds,
                        "times": n (then back to normal), "agencies": ["police", ...] (default all)}
    GET  /_requests     {"requests": [...]} every partner request seen, oldest first
    DELETE /_requests   forget them

"slow" answers normally after `delay` seconds (2 when not given); "error" answers `status`; "malformed"
answers 200 with a body that is not JSON; "invalid" answers 200 with JSON of the wrong shape; "reject"
answers 401. A delay given with any other mode applies to it too.
"""

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, TypeGuard

from flask import Flask, Response, jsonify, request
from werkzeug.serving import run_simple

from integrations.simulator.dataset import Dataset, check_dataset, load_dataset
from integrations.simulator.records import BadSearch, PartnerRecords

AGENCIES = ("police", "health", "education")
MODES = ("normal", "slow", "error", "malformed", "invalid", "reject")
ERROR_STATUSES = (429, 500, 502, 503, 504)
SLOW_DELAY = 2.0
MAX_DELAY = 60.0
LOG_SIZE = 1000
FHIR_JSON = "application/fhir+json"


@dataclass(frozen=True)
class Behaviour:
    """How the simulated partners answer: normally, slowly, with errors, broken bodies or refusals."""

    mode: str = "normal"
    delay: float = 0.0
    status: int = 503
    retry_after: int | None = None
    times: int | None = None
    agencies: tuple[str, ...] = AGENCIES

    @classmethod
    def from_json(cls, data: Any) -> "Behaviour":
        """Build a Behaviour from a /_control body, raising ValueError naming what is wrong."""
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(f"unknown fields: {', '.join(unknown)}")
        mode = data.get("mode", "normal")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        delay = data.get("delay", SLOW_DELAY if mode == "slow" else 0.0)
        if isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay <= MAX_DELAY:
            raise ValueError(f"delay must be a number of seconds from 0 to {MAX_DELAY:g}")
        status = data.get("status", 503)
        if not _is_int(status) or status not in ERROR_STATUSES:
            raise ValueError(f"status must be one of {', '.join(map(str, ERROR_STATUSES))}")
        retry_after, times = data.get("retry_after"), data.get("times")
        if retry_after is not None and (not _is_int(retry_after) or retry_after < 0):
            raise ValueError("retry_after must be a whole number of seconds")
        if times is not None and (not _is_int(times) or times < 1):
            raise ValueError("times must be a positive whole number")
        agencies = data.get("agencies", list(AGENCIES))
        if not isinstance(agencies, list) or not agencies or not set(agencies) <= set(AGENCIES):
            raise ValueError(f"agencies must be a non-empty list drawn from {', '.join(AGENCIES)}")
        return cls(mode, float(delay), status, retry_after, times, tuple(agencies))

    def to_json(self) -> dict[str, object]:
        """Return this behaviour as a /_control body."""
        return {**asdict(self), "agencies": list(self.agencies)}


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


class SimulatorState:
    """The simulator's data, current behaviour and request log, shared safely between request threads."""

    def __init__(self, records: PartnerRecords, behaviour: Behaviour, tokens: Collection[str] | None) -> None:
        self.records = records
        self.tokens = frozenset(tokens) if tokens is not None else None
        self._behaviour = behaviour
        self._lock = threading.Lock()
        self._log: deque[dict[str, object]] = deque(maxlen=LOG_SIZE)

    @property
    def behaviour(self) -> Behaviour:
        """Return the current behaviour."""
        with self._lock:
            return self._behaviour

    @behaviour.setter
    def behaviour(self, value: Behaviour) -> None:
        with self._lock:
            self._behaviour = value

    def take(self, agency: str) -> Behaviour:
        """Return the behaviour for one request to agency, counting it against `times`."""
        with self._lock:
            current = self._behaviour
            if agency not in current.agencies:
                return Behaviour()
            if current.times is not None:
                left = current.times - 1
                self._behaviour = replace(current, times=left) if left else Behaviour()
            return current

    def authorised(self, header: str | None) -> bool:
        """Return whether an Authorization header carries an accepted bearer token."""
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        return self.tokens is None or token.strip() in self.tokens

    def record(self, entry: dict[str, object]) -> None:
        """Add one request to the log."""
        with self._lock:
            self._log.append(entry)

    def requests(self) -> list[dict[str, object]]:
        """Return the logged requests, oldest first."""
        with self._lock:
            return list(self._log)

    def clear(self) -> None:
        """Forget the logged requests."""
        with self._lock:
            self._log.clear()


def create_simulator_app(
    dataset: Dataset | None = None,
    *,
    behaviour: Behaviour | Mapping[str, object] | None = None,
    tokens: Collection[str] | None = None,
) -> Flask:
    """Create the simulator app over dataset (the packaged one by default), behaving as told."""
    if not isinstance(behaviour, Behaviour):
        behaviour = Behaviour.from_json(dict(behaviour or {}))
    records = PartnerRecords(check_dataset(dataset) if dataset is not None else load_dataset())
    state = SimulatorState(records, behaviour, tokens)
    app = Flask(__name__)
    app.extensions["partner_simulator"] = state

    @app.post("/police/v1/person-checks")
    def police_checks() -> Response:
        """Answer a police person check."""
        return _answer(state, "police", lambda: state.records.police_check(request.get_json(silent=True)))

    @app.get("/fhir/Patient")
    def fhir_patients() -> Response:
        """Answer a FHIR Patient search."""
        base_url = request.host_url.rstrip("/")
        return _answer(state, "health", lambda: state.records.patient_bundle(request.args, base_url))

    @app.post("/fhir/Patient/_search")
    def fhir_patients_by_post() -> Response:
        """Answer a FHIR Patient search sent as a form, as the service sends it (no personal data in the URL)."""
        base_url = request.host_url.rstrip("/")
        return _answer(state, "health", lambda: state.records.patient_bundle(request.form, base_url))

    @app.post("/education/v1/pupil-searches")
    def pupil_searches() -> Response:
        """Answer an education pupil search."""
        return _answer(state, "education", lambda: state.records.pupil_search(request.get_json(silent=True)))

    @app.get("/_control")
    def read_control() -> Response:
        """Show the current behaviour."""
        return jsonify(state.behaviour.to_json())

    @app.post("/_control")
    def write_control() -> Response | tuple[Response, int]:
        """Replace the current behaviour."""
        try:
            state.behaviour = Behaviour.from_json(request.get_json(silent=True))
        except ValueError as exc:
            return jsonify({"error": str(exc)}), 400
        return jsonify(state.behaviour.to_json())

    @app.get("/_requests")
    def read_requests() -> Response:
        """List the partner requests seen so far."""
        return jsonify({"requests": state.requests()})

    @app.delete("/_requests")
    def clear_requests() -> tuple[str, int]:
        """Forget the partner requests seen so far."""
        state.clear()
        return "", 204

    return app


def _answer(state: SimulatorState, agency: str, build: Callable[[], dict[str, object]]) -> Response:
    behaviour = state.take(agency)
    if behaviour.delay:
        time.sleep(behaviour.delay)
    response = _respond(state, agency, behaviour, build)
    state.record(
        {
            "agency": agency,
            "method": request.method,
            "path": request.path,
            "query": request.args.to_dict(),
            "form": request.form.to_dict(),
            "json": request.get_json(silent=True),
            "authorised": state.authorised(request.headers.get("Authorization")),
            "mode": behaviour.mode,
            "status": response.status_code,
            "at": time.time(),
        }
    )
    return response


def _respond(
    state: SimulatorState, agency: str, behaviour: Behaviour, build: Callable[[], dict[str, object]]
) -> Response:
    mimetype = FHIR_JSON if agency == "health" else "application/json"
    if behaviour.mode == "reject" or not state.authorised(request.headers.get("Authorization")):
        response = _error(agency, 401, "missing or unaccepted bearer token")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    if behaviour.mode == "error":
        response = _error(agency, behaviour.status, "simulated failure")
        if behaviour.retry_after is not None:
            response.headers["Retry-After"] = str(behaviour.retry_after)
        return response
    if behaviour.mode == "malformed":
        return Response('{"answer": [{"truncated', status=200, mimetype=mimetype)
    if behaviour.mode == "invalid":
        return Response(json.dumps({"unexpected": "shape"}), status=200, mimetype=mimetype)
    try:
        body = build()
    except BadSearch as exc:
        return _error(agency, 400, str(exc))
    return Response(json.dumps(body), status=200, mimetype=mimetype)


def _error(agency: str, status: int, detail: str) -> Response:
    if agency == "health":
        outcome = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "diagnostics": detail}]}
        return Response(json.dumps(outcome), status=status, mimetype=FHIR_JSON)
    problem = {"type": "about:blank", "status": status, "detail": detail}
    return Response(json.dumps(problem), status=status, mimetype="application/problem+json")


def serve(
    host: str = "127.0.0.1",
    port: int = 8900,
    dataset: Dataset | None = None,
    *,
    behaviour: Behaviour | Mapping[str, object] | None = None,
) -> None:
    """Run the simulator on host:port until interrupted, one thread per request."""
    run_simple(host, port, create_simulator_app(dataset, behaviour=behaviour), threaded=True)
