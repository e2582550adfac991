import threading
from datetime import date

import pytest
import requests
from pytest_httpserver import HTTPServer

from integrations import CircuitBreaker, Subject, build_session, is_valid_nhs_number
from tests.integrations.conftest import FakeClock, slow


@pytest.mark.parametrize("number", ["9990010005", "9434765919", "9990020000"])
def test_valid_nhs_numbers_pass_the_modulus_11_check(number: str) -> None:
    assert is_valid_nhs_number(number)


@pytest.mark.parametrize(
    "number",
    ["9990010006", "999001000", "99900100050", "999 001 000", "999001000\uff15", "9990010005\n", "1000000010"],
)
def test_invalid_nhs_numbers_fail(number: str) -> None:
    assert not is_valid_nhs_number(number)


def test_subject_refuses_an_invalid_nhs_number() -> None:
    with pytest.raises(ValueError, match="NHS number"):
        Subject(first_name="Amira", last_name="Rahman", date_of_birth=date(2019, 4, 2), nhs_number="9990010006")


def test_breaker_opens_after_consecutive_failures(clock: FakeClock) -> None:
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout=30, clock=clock)
    for _ in range(2):
        breaker.record_failure()
    assert breaker.state == "closed"
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state == "open"
    assert not breaker.allow()


def test_breaker_success_resets_the_failure_count(clock: FakeClock) -> None:
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=30, clock=clock)
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state == "closed"


def test_breaker_half_opens_after_the_reset_timeout_and_closes_on_success(clock: FakeClock) -> None:
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=30, clock=clock)
    breaker.record_failure()
    clock.advance(29.9)
    assert not breaker.allow()
    clock.advance(0.1)
    assert breaker.state == "half_open"
    assert breaker.allow()
    assert not breaker.allow()
    breaker.record_success()
    assert breaker.state == "closed"
    assert breaker.allow()


def test_breaker_reopens_when_the_trial_call_fails(clock: FakeClock) -> None:
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=30, clock=clock)
    breaker.record_failure()
    clock.advance(30)
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state == "open"
    clock.advance(29)
    assert not breaker.allow()


def test_breaker_allows_a_new_trial_when_the_last_one_never_reported(clock: FakeClock) -> None:
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=30, clock=clock)
    breaker.record_failure()
    clock.advance(30)
    assert breaker.allow()
    clock.advance(30)
    assert breaker.allow()


def test_breaker_lets_exactly_one_trial_through_across_threads(clock: FakeClock) -> None:
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=30, clock=clock)
    breaker.record_failure()
    clock.advance(30)
    start = threading.Barrier(16)
    allowed: list[bool] = []

    def attempt() -> None:
        start.wait()
        allowed.append(breaker.allow())

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 1


@pytest.mark.parametrize(("threshold", "reset"), [(0, 30.0), (3, 0.0)])
def test_breaker_refuses_nonsense_settings(threshold: int, reset: float) -> None:
    with pytest.raises(ValueError, match="failure_threshold"):
        CircuitBreaker(failure_threshold=threshold, reset_timeout=reset)


def test_session_sends_the_bearer_token_and_accept_header(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/ping", headers={"Authorization": "Bearer s3cret", "Accept": "application/fhir+json"}
    ).respond_with_json({"ok": True})
    session = build_session("s3cret", accept="application/fhir+json")
    assert session.get(httpserver.url_for("/ping")).json() == {"ok": True}


def test_session_applies_its_read_timeout_when_the_caller_gives_none(lone_httpserver: HTTPServer) -> None:
    lone_httpserver.expect_request("/slow").respond_with_handler(slow(0.5))
    session = build_session("token", timeout=(1.0, 0.1))
    with pytest.raises(requests.ReadTimeout):
        session.get(lone_httpserver.url_for("/slow"))
