"""What every partner client shares: subject and result types, typed errors, the HTTP session, a breaker.

Clients receive their base URL, bearer token and timeout as arguments; nothing here reads the environment.
Error messages never carry personal data (no names, dates of birth, NHS numbers or URLs with query strings),
because they are logged and stored on information-sharing records.
"""

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Literal, Protocol, Self, TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3 import BaseHTTPResponse
from urllib3.util.retry import Retry

from integrations.validation import ShapeError

Timeout = float | tuple[float, float]
FactValue = str | int | float | bool | list[str] | None
BreakerState = Literal["closed", "open", "half_open"]
T = TypeVar("T")

DEFAULT_TIMEOUT: Timeout = (3.05, 10.0)
MAX_BODY_BYTES = 1_048_576
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_NHS_NUMBER = re.compile(r"[0-9]{10}")
_SECONDS = re.compile(r"\s*[0-9]{1,9}\s*")
_JSON_TYPE = re.compile(r"application/(?:[\w.+-]+\+)?json\s*(?:;.*)?", re.IGNORECASE)


class FailureCode(StrEnum):
    """Why a partner call produced no answer, as records keep it (the values are those records have always kept)."""

    UNAVAILABLE = "PartnerUnavailable"
    REJECTED = "PartnerRejected"
    RESPONSE_INVALID = "PartnerResponseInvalid"
    NOT_CONFIGURED = "PartnerNotConfigured"
    SUBJECT_INCOMPLETE = "SubjectIncomplete"
    FAILED = "PartnerError"


class PartnerError(Exception):
    """A partner check did not produce an answer."""

    retryable: ClassVar[bool] = False
    code: ClassVar[FailureCode] = FailureCode.FAILED

    def __init__(self, agency: str, detail: str) -> None:
        super().__init__(f"{agency}: {detail}")
        self.agency = agency
        self.detail = detail


class PartnerUnavailable(PartnerError):
    """The partner could not answer now (connection, timeout, 429, 5xx, circuit open); try again later."""

    retryable = True
    code = FailureCode.UNAVAILABLE

    def __init__(
        self, agency: str, detail: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(agency, detail)
        self.status = status
        self.retry_after = retry_after


class PartnerRejected(PartnerError):
    """The partner refused the request (a 4xx other than 429); repeating it will not help."""

    code = FailureCode.REJECTED

    def __init__(self, agency: str, detail: str, *, status: int) -> None:
        super().__init__(agency, detail)
        self.status = status


class PartnerResponseInvalid(PartnerError):
    """The partner answered with a body that is not JSON or does not have the promised shape."""

    code = FailureCode.RESPONSE_INVALID


class PartnerNotConfigured(PartnerError):
    """No base URL or token is configured for this agency."""

    code = FailureCode.NOT_CONFIGURED


class SubjectIncomplete(PartnerError):
    """The subject lacks the details this partner needs to search."""

    code = FailureCode.SUBJECT_INCOMPLETE


def is_valid_nhs_number(value: str) -> bool:
    """Return whether value is ten ASCII digits with a correct modulus-11 check digit."""
    if not _NHS_NUMBER.fullmatch(value):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(value[9])


@dataclass(frozen=True)
class Subject:
    """The child a check is about, with only the details partners match on."""

    first_name: str
    last_name: str
    date_of_birth: date | None = None
    nhs_number: str | None = None
    postcode: str | None = None
    address_line_1: str | None = None
    school: str | None = None

    def __post_init__(self) -> None:
        if self.nhs_number is not None and not is_valid_nhs_number(self.nhs_number):
            raise ValueError("nhs_number is not a valid NHS number")


@dataclass(frozen=True)
class CheckResult:
    """What one partner holds about a subject, in a form a screener can read and rules can use."""

    agency: str
    found: bool
    summary: str
    facts: dict[str, FactValue] = field(default_factory=dict)
    ambiguous: bool = False


def no_single_match(agency: str, count: int, records: str, advice: str) -> CheckResult:
    """Answer a search that matched no record, or several (reported as ambiguous, never guessed): `records` names
    them ("pupil"), `advice` says how to search again."""
    if count == 0:
        return CheckResult(
            agency=agency, found=False, summary=f"No {records} record matches these details.", facts={"match_count": 0}
        )
    return CheckResult(
        agency=agency,
        found=False,
        summary=f"{count} {records} records match these details; none was matched. {advice}",
        facts={"match_count": count},
        ambiguous=True,
    )


class PartnerClient(Protocol):
    """A client that asks one partner agency what it holds about a child."""

    @property
    def agency(self) -> str:
        """Name the agency this client asks."""
        ...

    def check(self, subject: Subject) -> CheckResult:
        """Ask the partner what it holds about subject."""
        ...


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry connection errors, 429 and 5xx answers."""

    retries: int = 2
    backoff_factor: float = 0.5
    max_retry_after: float = 10.0


class _BoundedRetry(Retry):
    """A urllib3 Retry that honours Retry-After but never sleeps longer than max_retry_after per attempt."""

    max_retry_after: float = 10.0

    def new(self, **kw: Any) -> Self:
        retry = super().new(**kw)
        retry.max_retry_after = self.max_retry_after
        return retry

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.max_retry_after)


class _TimeoutAdapter(HTTPAdapter):
    """An HTTPAdapter that applies a default (connect, read) timeout to every request without one."""

    def __init__(self, timeout: Timeout, max_retries: Retry) -> None:
        super().__init__(max_retries=max_retries)
        self.timeout = timeout

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, *args, **kwargs)


def build_session(
    token: str,
    *,
    timeout: Timeout = DEFAULT_TIMEOUT,
    retry: RetryPolicy | None = None,
    accept: str = "application/json",
) -> requests.Session:
    """Build a Session that sends the bearer token, applies timeouts and retries transient failures."""
    policy = retry or RetryPolicy()
    retries = _BoundedRetry(
        total=policy.retries,
        connect=policy.retries,
        read=False,
        status=policy.retries,
        other=0,
        backoff_factor=policy.backoff_factor,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    retries.max_retry_after = policy.max_retry_after
    session = requests.Session()
    # Without this, requests reads proxies and ~/.netrc from the environment, and a netrc entry would
    # silently replace the bearer token.
    session.trust_env = False
    adapter = _TimeoutAdapter(timeout, retries)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update(
        {"Authorization": f"Bearer {token}", "Accept": accept, "User-Agent": "mash-front-door-integrations/1"}
    )
    return session


class CircuitBreaker:
    """Stop calling a failing partner for a while, then let one trial call through to see if it recovered."""

    def __init__(
        self,
        failure_threshold: int = 5,
        reset_timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1 or reset_timeout <= 0:
            raise ValueError("failure_threshold must be at least 1 and reset_timeout positive")
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._state: BreakerState = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._trial_started_at = 0.0

    @property
    def state(self) -> BreakerState:
        """Return the current state: closed, open, or half_open while a trial call is allowed or running."""
        with self._lock:
            if self._state == "open" and self._clock() - self._opened_at >= self.reset_timeout:
                return "half_open"
            return self._state

    def allow(self) -> bool:
        """Return whether a call may go ahead now; in half-open state only one trial call is let through."""
        with self._lock:
            now = self._clock()
            if self._state == "closed":
                return True
            if self._state == "open" and now - self._opened_at < self.reset_timeout:
                return False
            # A trial whose caller never reported back must not keep the breaker half-open for ever.
            if self._state == "half_open" and now - self._trial_started_at < self.reset_timeout:
                return False
            self._state = "half_open"
            self._trial_started_at = now
            return True

    def record_success(self) -> None:
        """Close the breaker and forget earlier failures."""
        with self._lock:
            self._state = "closed"
            self._failures = 0

    def record_failure(self) -> None:
        """Count a failure; open the breaker at the threshold, or reopen it if the trial call failed."""
        with self._lock:
            if self._state == "half_open":
                self._open()
            elif self._state == "closed":
                self._failures += 1
                if self._failures >= self.failure_threshold:
                    self._open()

    def _open(self) -> None:
        self._state = "open"
        self._opened_at = self._clock()
        self._failures = 0


class PartnerHttp:
    """Send JSON requests to one partner, turning every failure into a typed PartnerError."""

    def __init__(
        self,
        agency: str,
        base_url: str,
        token: str,
        *,
        timeout: Timeout = DEFAULT_TIMEOUT,
        breaker: CircuitBreaker | None = None,
        retry: RetryPolicy | None = None,
        accept: str = "application/json",
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"{agency}: base_url must start with http:// or https://")
        if not token or token != token.strip():
            raise ValueError(f"{agency}: token must be a non-empty string without surrounding spaces")
        self.agency = agency
        self.base_url = base_url.rstrip("/")
        self.breaker = breaker or CircuitBreaker()
        self._session = build_session(token, timeout=timeout, retry=retry, accept=accept)

    def get(self, path: str, params: dict[str, str], parse: Callable[[object], T]) -> T:
        """GET path with query params and return the parsed JSON body."""
        return self._call("GET", path, parse, params=params)

    def post(self, path: str, body: dict[str, object], parse: Callable[[object], T]) -> T:
        """POST a JSON body to path and return the parsed JSON answer."""
        return self._call("POST", path, parse, json=body)

    def post_form(self, path: str, form: dict[str, str], parse: Callable[[object], T]) -> T:
        """POST a form (application/x-www-form-urlencoded) to path and return the parsed JSON answer."""
        return self._call("POST", path, parse, data=form)

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()

    def _call(self, method: str, path: str, parse: Callable[[object], T], **kwargs: Any) -> T:
        if not self.breaker.allow():
            raise PartnerUnavailable(self.agency, "circuit open after repeated failures; partner not called")
        try:
            with self._session.request(
                method, self.base_url + path, allow_redirects=False, stream=True, **kwargs
            ) as response:
                status = response.status_code
                content = _read_limited(response) if 200 <= status < 300 else b""
                content_type = response.headers.get("Content-Type", "")
                retry_after = response.headers.get("Retry-After", "")
        except requests.Timeout:
            self.breaker.record_failure()
            raise PartnerUnavailable(self.agency, "timed out waiting for the partner") from None
        except requests.RequestException as exc:
            self.breaker.record_failure()
            raise PartnerUnavailable(self.agency, f"could not reach the partner ({type(exc).__name__})") from None
        if status in RETRY_STATUSES or status >= 500:
            self.breaker.record_failure()
            raise PartnerUnavailable(
                self.agency,
                f"partner answered HTTP {status}",
                status=status,
                retry_after=float(retry_after) if _SECONDS.fullmatch(retry_after) else None,
            )
        self.breaker.record_success()
        if 400 <= status < 500:
            raise PartnerRejected(self.agency, f"partner refused the request with HTTP {status}", status=status)
        if not 200 <= status < 300:
            raise PartnerResponseInvalid(self.agency, f"unexpected HTTP status {status}")
        return self._parse(content, content_type, parse)

    def _parse(self, content: bytes, content_type: str, parse: Callable[[object], T]) -> T:
        if not _JSON_TYPE.fullmatch(content_type.strip()):
            raise PartnerResponseInvalid(self.agency, "expected a JSON body, got another content type")
        if len(content) > MAX_BODY_BYTES:
            raise PartnerResponseInvalid(self.agency, f"body larger than {MAX_BODY_BYTES} bytes")
        try:
            body = json.loads(
                content.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_refuse_duplicate_keys
            )
        except (ValueError, RecursionError):
            raise PartnerResponseInvalid(self.agency, "body is not valid JSON") from None
        try:
            return parse(body)
        except ShapeError as exc:
            raise PartnerResponseInvalid(self.agency, str(exc)) from None


class HttpPartnerClient:
    """What every partner client shares: one PartnerHttp per client, its breaker, and closing it."""

    agency: ClassVar[str]
    accept: ClassVar[str] = "application/json"

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: Timeout = DEFAULT_TIMEOUT,
        breaker: CircuitBreaker | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._http = PartnerHttp(
            self.agency, base_url, token, timeout=timeout, breaker=breaker, retry=retry, accept=self.accept
        )

    @property
    def breaker(self) -> CircuitBreaker:
        """Return the circuit breaker guarding this client."""
        return self._http.breaker

    def close(self) -> None:
        """Close pooled connections."""
        self._http.close()


def _read_limited(response: requests.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=65_536):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            break
    return b"".join(chunks)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise ValueError("duplicate keys")
    return mapping
