import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from integrations import RetryPolicy, Subject

NHS_NUMBER = "9990010005"


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _serving() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    """The HTTP server pytest-httpserver's `httpserver` uses, on 127.0.0.1 for the whole session."""
    yield from _serving()


@pytest.fixture
def lone_httpserver() -> Iterator[HTTPServer]:
    """A server of its own, for tests whose slow handlers outlive them and would log into the next test."""
    yield from _serving()


def slow(seconds: float, body: str = "{}") -> Callable[[Request], Response]:
    """Return a handler that answers body after seconds."""

    def respond(_request: Request) -> Response:
        time.sleep(seconds)
        return Response(body, content_type="application/json")

    return respond


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def quick_retry() -> RetryPolicy:
    return RetryPolicy(retries=2, backoff_factor=0.0, max_retry_after=2.0)


@pytest.fixture
def child() -> Subject:
    return Subject(
        first_name="Amira",
        last_name="Rahman",
        date_of_birth=date(2019, 4, 2),
        nhs_number=NHS_NUMBER,
        postcode="SW2 5QT",
        address_line_1="14 Larkspur Road",
        school="Oakfield Primary School",
    )
