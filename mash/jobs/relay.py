"""The outbox relay: committed outbox items go to the runner when the unit of work that committed them ends, and
a periodic sweep sends whatever did not get there."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

import structlog
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from mash.db import PerSession
from mash.jobs.runners import Runner, build_runner
from mash.models import OutboxItem
from mash.services import outbox, sharing
from mash.settings import Settings

log = structlog.get_logger(__name__)

# Service functions the sweep also runs, each with a fresh session and the current time.
PERIODIC: tuple[Callable[[Session, datetime], object], ...] = (sharing.mark_overdue,)


class Relay:
    """Moves committed outbox items to the runner. It watches every session its factory makes: the items a
    transaction adds are pending until it commits (and dropped if it rolls back), then ready until taken."""

    def __init__(self, factory: sessionmaker[Session], runner: Runner, settings: Settings) -> None:
        self.factory = factory
        self.runner = runner
        self.stale_after = timedelta(seconds=settings.screening_retry_after_seconds)
        self._pending: PerSession[OutboxItem] = PerSession()
        self._ready: PerSession[OutboxItem] = PerSession()
        event.listen(factory, "before_flush", self._collect)
        event.listen(factory, "after_commit", self._committed)
        event.listen(factory, "after_soft_rollback", self._rolled_back)

    def _collect(self, session: Session, _flush_context: Any, _instances: Any) -> None:
        self._pending.add(session, [obj for obj in session.new if isinstance(obj, OutboxItem)])

    def _committed(self, session: Session) -> None:
        self._ready.add(session, self._pending.pop(session))

    def _rolled_back(self, session: Session, _previous: SessionTransaction) -> None:
        self._pending.pop(session)

    def unit_of_work(self, session: Session | None = None) -> UnitOfWork:
        """Begin one piece of work on a session (a new one unless given) whose committed items go out as it ends."""
        return UnitOfWork(self, session if session is not None else self.factory())

    def take(self, session: Session) -> list[OutboxItem]:
        """Return (and forget) the outbox items this session committed, to dispatch them with `send`."""
        return self._ready.pop(session)

    def send(self, items: list[OutboxItem]) -> None:
        """Dispatch committed outbox items to the runner and note them enqueued."""
        if not items:
            return
        sent = self.runner.dispatch(items)
        session = self.factory()
        try:
            outbox.mark_enqueued(session, sent)
        finally:
            session.close()

    def sweep(self) -> int:
        """Dispatch every pending item never enqueued or enqueued too long ago, then run PERIODIC; return how many."""
        session = self.factory()
        try:
            items = outbox.due(session, stale_after=self.stale_after)
        finally:
            session.close()
        self.send(items)
        self._run_periodic()
        return len(items)

    def _run_periodic(self) -> None:
        for task in PERIODIC:
            session = self.factory()
            try:
                task(session, datetime.now(UTC))
            except Exception as exc:
                log.warning("periodic_task_failed", task=task.__name__, error_type=type(exc).__name__)
            finally:
                session.close()


class UnitOfWork:
    """One piece of work - a request, a job, a command - on one session. As a context manager it yields the session,
    dispatches what the work committed when it ends without an error, and closes the session."""

    def __init__(self, relay: Relay, session: Session) -> None:
        self.relay = relay
        self.session = session

    def end(self) -> Callable[[], None] | None:
        """Return the dispatch of what the work committed, to run now or once an answer has been sent (None when it
        committed nothing)."""
        ready = self.relay.take(self.session)
        return (lambda: self.relay.send(ready)) if ready else None

    def __enter__(self) -> Session:
        return self.session

    def __exit__(
        self, exc_type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None
    ) -> None:
        try:
            dispatch = self.end()
            if dispatch is not None and exc_type is None:
                dispatch()
        finally:
            self.session.close()


def init_app(app: Flask, settings: Settings) -> Relay:
    """Attach the relay to the app."""
    relay = Relay(app.extensions["mash.sessionmaker"], build_runner(settings), settings)
    app.extensions["mash.relay"] = relay
    return relay


def start_sweeper(relay: Relay, interval: float, stop: threading.Event | None = None) -> threading.Thread:
    """Sweep the outbox every `interval` seconds on a daemon thread until `stop` is set."""
    stop = stop or threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                relay.sweep()
            except Exception as exc:
                log.warning("sweep_failed", error_type=type(exc).__name__)

    thread = threading.Thread(target=loop, name="mash-outbox-sweep", daemon=True)
    thread.start()
    return thread
