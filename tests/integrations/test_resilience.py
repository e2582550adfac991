import socket
import time

import pytest
from pytest_httpserver import HTTPServer

from integrations import (
    CircuitBreaker,
    HealthClient,
    PartnerClient,
    PartnerRejected,
    PartnerUnavailable,
    PoliceClient,
    RetryPolicy,
    Subject,
    Timeout,
)
from integrations.health import PATIENT_SEARCH_PATH
from integrations.police import PERSON_CHECKS_PATH
from tests.integrations.conftest import NHS_NUMBER, FakeClock, slow

NOTHING_HELD = {"person_match": "none", "address_match": False, "incidents": [], "warning_markers": []}
EMPTY_BUNDLE = {"resourceType": "Bundle", "type": "searchset", "total": 0}


def police(
    server: HTTPServer,
    *,
    timeout: Timeout = (1.0, 1.0),
    breaker: CircuitBreaker | None = None,
    retry: RetryPolicy | None = None,
) -> PoliceClient:
    return PoliceClient(server.url_for("/"), "token", timeout=timeout, breaker=breaker, retry=retry)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_a_refusal_is_permanent_and_not_retried(
    httpserver: HTTPServer, child: Subject, quick_retry: RetryPolicy, status: int
) -> None:
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_json({"detail": "no"}, status=status)

    with pytest.raises(PartnerRejected, match=f"HTTP {status}") as raised:
        police(httpserver, retry=quick_retry).check(child)

    assert raised.value.status == status
    assert not raised.value.retryable
    assert len(httpserver.log) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_is_retried_and_then_succeeds(
    httpserver: HTTPServer, child: Subject, quick_retry: RetryPolicy, status: int
) -> None:
    httpserver.expect_oneshot_request(PERSON_CHECKS_PATH).respond_with_data("busy", status=status)
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_json(NOTHING_HELD)

    result = police(httpserver, retry=quick_retry).check(child)

    assert not result.found
    assert [response.status_code for _, response in httpserver.log] == [status, 200]


def test_a_get_search_is_retried_too(httpserver: HTTPServer, child: Subject, quick_retry: RetryPolicy) -> None:
    httpserver.expect_oneshot_request(PATIENT_SEARCH_PATH).respond_with_data("busy", status=503)
    httpserver.expect_request(PATIENT_SEARCH_PATH).respond_with_json(EMPTY_BUNDLE)

    result = HealthClient(httpserver.url_for("/"), "token", retry=quick_retry).check(child)

    assert result.facts == {"match_count": 0}
    assert len(httpserver.log) == 2


def test_a_persistent_server_error_is_unavailable_after_bounded_retries(
    httpserver: HTTPServer, child: Subject, quick_retry: RetryPolicy
) -> None:
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_data("down", status=503)

    with pytest.raises(PartnerUnavailable, match="HTTP 503") as raised:
        police(httpserver, retry=quick_retry).check(child)

    assert raised.value.retryable
    assert raised.value.status == 503
    assert len(httpserver.log) == quick_retry.retries + 1


def test_too_many_requests_waits_for_retry_after_then_succeeds(
    httpserver: HTTPServer, child: Subject, quick_retry: RetryPolicy
) -> None:
    httpserver.expect_oneshot_request(PERSON_CHECKS_PATH).respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_json(NOTHING_HELD)

    started = time.monotonic()
    result = police(httpserver, retry=quick_retry).check(child)
    elapsed = time.monotonic() - started

    assert not result.found
    assert len(httpserver.log) == 2
    assert 0.9 <= elapsed < 2.5


def test_a_long_retry_after_is_capped(httpserver: HTTPServer, child: Subject) -> None:
    httpserver.expect_oneshot_request(PERSON_CHECKS_PATH).respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_json(NOTHING_HELD)

    started = time.monotonic()
    police(httpserver, retry=RetryPolicy(retries=1, backoff_factor=0, max_retry_after=0.2)).check(child)

    assert 0.15 <= time.monotonic() - started < 1.5


def test_persistent_rate_limiting_reports_retry_after(httpserver: HTTPServer, child: Subject) -> None:
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_data("no", status=429, headers={"Retry-After": "7"})

    with pytest.raises(PartnerUnavailable, match="HTTP 429") as raised:
        police(httpserver, retry=RetryPolicy(retries=0)).check(child)

    assert raised.value.status == 429
    assert raised.value.retry_after == 7.0


def test_a_slow_partner_times_out_quickly(
    lone_httpserver: HTTPServer, child: Subject, quick_retry: RetryPolicy
) -> None:
    lone_httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_handler(slow(0.5))

    with pytest.raises(PartnerUnavailable, match="timed out") as raised:
        police(lone_httpserver, timeout=(1.0, 0.1), retry=quick_retry).check(child)

    assert raised.value.retryable


def test_an_unreachable_partner_is_unavailable(child: Subject) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    client = HealthClient(f"http://127.0.0.1:{port}", "token", retry=RetryPolicy(retries=1, backoff_factor=0))
    with pytest.raises(PartnerUnavailable, match="could not reach the partner") as raised:
        client.check(child)

    assert NHS_NUMBER not in str(raised.value)
    assert raised.value.__cause__ is None


def test_errors_never_carry_the_searched_for_details(lone_httpserver: HTTPServer, child: Subject) -> None:
    lone_httpserver.expect_request(PATIENT_SEARCH_PATH).respond_with_handler(slow(0.3))
    client = HealthClient(lone_httpserver.url_for("/"), "token", timeout=(1.0, 0.05), retry=RetryPolicy(retries=0))

    with pytest.raises(PartnerUnavailable) as raised:
        client.check(child)

    message = str(raised.value)
    assert NHS_NUMBER not in message
    assert "Rahman" not in message
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__


def test_the_breaker_opens_after_repeated_failures_and_fails_fast(
    httpserver: HTTPServer, child: Subject, clock: FakeClock
) -> None:
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout=30, clock=clock)
    client = police(httpserver, breaker=breaker, retry=RetryPolicy(retries=0))
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_data("down", status=503)
    for _ in range(3):
        with pytest.raises(PartnerUnavailable, match="HTTP 503"):
            client.check(child)
    assert breaker.state == "open"
    httpserver.clear_log()

    with pytest.raises(PartnerUnavailable, match="circuit open") as raised:
        client.check(child)

    assert raised.value.retryable
    assert httpserver.log == []


def test_the_breaker_closes_when_the_partner_recovers(httpserver: HTTPServer, child: Subject, clock: FakeClock) -> None:
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=30, clock=clock)
    client = police(httpserver, breaker=breaker, retry=RetryPolicy(retries=0))
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_data("down", status=500)
    for _ in range(2):
        with pytest.raises(PartnerUnavailable):
            client.check(child)
    httpserver.clear()
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_json(NOTHING_HELD)

    with pytest.raises(PartnerUnavailable, match="circuit open"):
        client.check(child)
    clock.advance(30)
    result = client.check(child)

    assert not result.found
    assert breaker.state == "closed"
    assert len(httpserver.log) == 1
    client.check(child)
    assert len(httpserver.log) == 2


def test_a_failed_trial_call_reopens_the_breaker(httpserver: HTTPServer, child: Subject, clock: FakeClock) -> None:
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=30, clock=clock)
    client = police(httpserver, breaker=breaker, retry=RetryPolicy(retries=0))
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_data("still down", status=502)
    with pytest.raises(PartnerUnavailable, match="HTTP 502"):
        client.check(child)
    clock.advance(30)

    with pytest.raises(PartnerUnavailable, match="HTTP 502"):
        client.check(child)

    assert breaker.state == "open"
    with pytest.raises(PartnerUnavailable, match="circuit open"):
        client.check(child)
    assert len(httpserver.log) == 2


def test_a_refusal_does_not_count_towards_opening_the_breaker(
    httpserver: HTTPServer, child: Subject, clock: FakeClock
) -> None:
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=30, clock=clock)
    client: PartnerClient = police(httpserver, breaker=breaker)
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_json({"detail": "unknown token"}, status=401)

    for _ in range(3):
        with pytest.raises(PartnerRejected):
            client.check(child)

    assert breaker.state == "closed"
    assert len(httpserver.log) == 3
