"""Real Redis servers and real `mash worker` processes for the job tests."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from redis import Redis

from mash.settings import Settings
from tests.server import free_port

MASH = str(Path(sys.executable).with_name("mash"))
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class RedisServer:
    """A private redis-server on its own port, which a test may stop and start again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if Redis.from_url(self.url, socket_connect_timeout=0.2).ping():
                    return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A private Redis that the test can stop and restart."""
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The shared Redis (REDIS_URL or 127.0.0.1:6379), one database per test process, flushed around each test."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = 1 + int("".join(ch for ch in worker if ch.isdigit()) or 0)
    base = os.environ.get("MASH_TEST_REDIS_URL", "redis://127.0.0.1:6379")  # server only, no database number
    url = f"{base.rstrip('/')}/{index}"
    client = Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()


def job_settings(settings: Settings, redis_url: str) -> Settings:
    """Settings with Redis and fast sweeps and retries, so that the tests run in seconds."""
    return replace(
        settings,
        redis_url=redis_url,
        sweep_seconds=1,
        screening_retry_after_seconds=3,
        job_retries=3,
        job_retry_intervals=(2, 2, 2),
        job_timeout_seconds=5,
    )


@pytest.fixture
def make_redis_app(settings: Settings, make_app: Callable[[Settings], Flask]) -> Callable[..., Flask]:
    """Build the app against a Redis URL (with settings overridden if asked); clean the database before and after."""
    return lambda url, **overrides: make_app(replace(job_settings(settings, url), **overrides))


def worker_env(settings: Settings, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment a `mash worker` process needs to serve the same database and Redis as the test."""
    fast = job_settings(settings, redis_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASH_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=settings.database_url,
        REDIS_URL=redis_url,
        MASH_SWEEP_SECONDS=str(fast.sweep_seconds),
        MASH_SCREENING_RETRY_AFTER_SECONDS=str(fast.screening_retry_after_seconds),
        MASH_JOB_RETRIES=str(fast.job_retries),
        MASH_JOB_RETRY_INTERVALS=",".join(map(str, fast.job_retry_intervals)),
        MASH_JOB_TIMEOUT_SECONDS=str(fast.job_timeout_seconds),
        MASH_LOG_LEVEL="WARNING",
        MASH_SECRET_KEY="test",
    )
    env.update(extra)
    return env


class WorkerProcess:
    """A real `mash worker` process in its own process group (so that SIGKILL reaches its work-horse too)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.handle = log.open("ab")
        self.process = subprocess.Popen(
            [MASH, "worker"], env=env, stdout=self.handle, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.handle.close()


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], WorkerProcess]]:
    """Start `mash worker` processes; every one is stopped after the test."""
    started: list[WorkerProcess] = []

    def start(env: dict[str, str]) -> WorkerProcess:
        worker = WorkerProcess(env, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(predicate: Callable[[], object], timeout: float = 120, what: str = "condition") -> None:
    """Poll until the predicate is true, or fail the test; the timeout is only a bound for a loaded machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
