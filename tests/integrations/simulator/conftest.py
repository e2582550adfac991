import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server

from integrations import RetryPolicy
from integrations.simulator.server import create_simulator_app


class Simulator:
    """A running partner simulator and the test routes that steer it."""

    def __init__(self, url: str) -> None:
        self.url = url

    def control(self, **behaviour: object) -> requests.Response:
        return requests.post(f"{self.url}/_control", json=behaviour, timeout=5)

    def behaviour(self) -> dict[str, Any]:
        return requests.get(f"{self.url}/_control", timeout=5).json()

    def requests(self) -> list[dict[str, Any]]:
        return requests.get(f"{self.url}/_requests", timeout=5).json()["requests"]

    def forget_requests(self) -> None:
        requests.delete(f"{self.url}/_requests", timeout=5).raise_for_status()


@pytest.fixture
def start_simulator() -> Iterator[Callable[..., Simulator]]:
    """Start simulators on 127.0.0.1 (arguments as for create_simulator_app); stop them after the test."""
    stops: list[Callable[[], None]] = []

    def start(**options: Any) -> Simulator:
        server = make_server("127.0.0.1", 0, create_simulator_app(**options), threaded=True)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        thread.start()
        stops.append(server.shutdown)
        return Simulator(f"http://127.0.0.1:{server.server_port}")

    yield start
    for stop in stops:
        stop()


@pytest.fixture
def simulator(start_simulator: Callable[..., Simulator]) -> Simulator:
    return start_simulator()


@pytest.fixture
def quick_retry() -> RetryPolicy:
    return RetryPolicy(retries=2, backoff_factor=0.0, max_retry_after=2.0)
