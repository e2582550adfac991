"""The database: engine, one session per app context, the declarative base and shared column types."""

from __future__ import annotations

import os
import threading
import uuid
import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from flask import Flask, current_app, g
from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every mapped class."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back as an aware datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def new_id() -> str:
    """Return a new opaque identifier."""
    return str(uuid.uuid4())


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


READ_ONLY = "mash_read_only"


def _sqlite_begin(conn: Any) -> None:
    # A transaction that may write takes SQLite's write lock at once, so that it never fails to upgrade a read
    # lock half-way; one marked read-only reads a WAL snapshot and takes no lock.
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def make_engine(database_url: str) -> Engine:
    """Build an engine for the URL, with SQLite set up for a web service (WAL, foreign keys, locking)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"isolation_level": None, "check_same_thread": False}, hide_parameters=True
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        _dispose_in_forked_children(engine)
        return engine
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True)
    _dispose_in_forked_children(engine)
    return engine


def _dispose_in_forked_children(engine: Engine) -> None:
    """Give a forked child (an RQ work-horse) fresh connections instead of its parent's."""
    ref = weakref.ref(engine)

    def reset() -> None:
        alive = ref()
        if alive is not None:
            alive.dispose(close=False)

    os.register_at_fork(after_in_child=reset)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Build the session factory: use cases begin their own transactions; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False, autobegin=False)


def init_app(app: Flask, engine: Engine) -> None:
    """Attach the engine to the app and close each request's session when its context ends."""
    app.extensions["mash.engine"] = engine
    app.extensions["mash.sessionmaker"] = make_session_factory(engine)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("mash_session", None)
        if session is not None:
            session.close()


def read_only(session: Session) -> None:
    """Mark the transaction just begun as one that only reads (on SQLite it then takes no write lock)."""
    session.connection(execution_options={READ_ONLY: True})


T = TypeVar("T")


class PerSession(Generic[T]):
    """Items gathered per session, kept beside it rather than in `session.info`, and dropped with the session."""

    def __init__(self) -> None:
        self._items: weakref.WeakKeyDictionary[Session, list[T]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def add(self, session: Session, items: list[T]) -> None:
        """Keep these items for the session, after any it already has."""
        if items:
            with self._lock:
                self._items.setdefault(session, []).extend(items)

    def pop(self, session: Session) -> list[T]:
        """Return and forget the session's items."""
        with self._lock:
            return self._items.pop(session, [])


def get_session() -> Session:
    """Return this app context's session, opening it on first use."""
    if "mash_session" not in g:
        g.mash_session = current_app.extensions["mash.sessionmaker"]()
    session: Session = g.mash_session
    return session
