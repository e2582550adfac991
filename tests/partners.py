"""The partner simulator as tests run it: on 127.0.0.1 on its own thread, with the test routes that steer it."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import requests
from werkzeug.serving import make_server

from integrations.simulator.server import create_simulator_app
from mash.settings import PartnerSettings, Settings

TOKEN = "test-token"


class Simulator:
    """A running partner simulator (arguments as for create_simulator_app), which a test may stop: its port then
    refuses connections."""

    def __init__(self, **options: Any) -> None:
        self.server = make_server("127.0.0.1", 0, create_simulator_app(**options), threaded=True)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.server.shutdown()
            self.server.server_close()
            self.running = False

    def control(self, **behaviour: object) -> requests.Response:
        return requests.post(f"{self.url}/_control", json=behaviour, timeout=5)

    def behaviour(self) -> dict[str, Any]:
        return requests.get(f"{self.url}/_control", timeout=5).json()

    def requests(self) -> list[dict[str, Any]]:
        return requests.get(f"{self.url}/_requests", timeout=5).json()["requests"]

    def forget_requests(self) -> None:
        requests.delete(f"{self.url}/_requests", timeout=5).raise_for_status()


def answered_by(settings: Settings, simulator: Simulator, **changes: Any) -> Settings:
    """Return the settings with police, health and education all answering from the simulator."""
    partner = PartnerSettings(simulator.url, TOKEN)
    return replace(settings, police=partner, health=partner, education=partner, **changes)
