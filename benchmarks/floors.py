"""The bare floors the benchmarks compare our code with: the least the same work could cost on this stack.

`create_app()` builds one small Flask app, served by gunicorn as `floors:create_app()` from the repository root
with benchmarks/ on its path (pysbd, which medspaCy needs, installs a package named `benchmarks`). Its routes add one
layer at a time:

- `GET /hello`: Flask hello world.
- `POST /validate`: + `ContactCreateSchema().load()` of the JSON body (our public schema, nothing else of ours).
- `POST /insert`: + one SQLAlchemy Core `INSERT ... RETURNING id` of the body into a one-table schema.
- `POST /insert-enqueue`: + one RQ enqueue of a no-op job after the commit (needs `BENCH_REDIS_URL`).
- `GET /rows/<id>`: one Core `SELECT` of a row by primary key, returned as JSON.

The database is `BENCH_DATABASE_URL` (PostgreSQL through psycopg 3, or SQLite in WAL mode with our pragmas).

`noop` is the job of the RQ floors. A fork-per-job worker imports a job's module afresh in every work-horse,
so this module imports only the standard library at the top and the web stack inside the functions that
need it: the floor then pays for the fork, not for importing Flask 300 times.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy import Engine, Table

FLOOR_QUEUE = "floor"
NOOP_JOB = "floors.noop"  # benchmarks/ on the worker's PYTHONPATH (see above)


def noop(*_args: Any) -> None:
    """Do nothing: the job of the RQ floors."""


def floor_table() -> Table:
    """Return the floor's one table: an id, the external reference, a timestamp and the whole body as JSON."""
    from sqlalchemy import JSON, BigInteger, Column, DateTime, Integer, MetaData, String, Table
    from sqlalchemy.dialects.postgresql import JSONB

    return Table(
        "floor_contacts",
        MetaData(),
        Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
        Column("external_reference", String(200)),
        Column("received_at", DateTime(timezone=True), nullable=False),
        Column("body", JSON().with_variant(JSONB(), "postgresql"), nullable=False),
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(database_url: str) -> Engine:
    """Build an engine: psycopg 3 for PostgreSQL; for SQLite, WAL and synchronous=NORMAL as our own engine does."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url.set(drivername="postgresql+psycopg"))


def create_schema(database_url: str) -> None:
    """Create the floor's one table afresh."""
    table = floor_table()
    engine = make_engine(database_url)
    try:
        table.metadata.drop_all(engine)
        table.metadata.create_all(engine)
    finally:
        engine.dispose()


def create_app() -> Flask:
    """Build the floor app from BENCH_DATABASE_URL and, optionally, BENCH_REDIS_URL."""
    from flask import Flask, abort, request
    from marshmallow import ValidationError
    from redis import Redis
    from rq import Queue
    from rq.serializers import JSONSerializer
    from sqlalchemy import select

    from schemas.contacts import ContactCreateSchema

    app = Flask(__name__)
    schema = ContactCreateSchema()
    table = floor_table()
    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    redis_url = os.environ.get("BENCH_REDIS_URL")
    queue = Queue(FLOOR_QUEUE, connection=Redis.from_url(redis_url), serializer=JSONSerializer) if redis_url else None

    def validated() -> dict[str, Any]:
        document: dict[str, Any] = request.get_json()
        schema.load(document)
        return document

    def insert(document: dict[str, Any]) -> int:
        with engine.begin() as connection:
            row_id: int = connection.execute(
                table.insert()
                .values(
                    external_reference=document["referrer"].get("external_reference"),
                    received_at=datetime.now(UTC),
                    body=document,
                )
                .returning(table.c.id)
            ).scalar_one()
        return row_id

    @app.errorhandler(ValidationError)
    def invalid(error: ValidationError) -> Any:
        return {"errors": error.messages}, 422

    @app.get("/hello")
    def hello() -> str:
        return "Hello, World!"

    @app.post("/validate")
    def validate() -> Any:
        validated()
        return {"ok": True}, 201

    @app.post("/insert")
    def insert_row() -> Any:
        return {"id": insert(validated())}, 201

    @app.post("/insert-enqueue")
    def insert_and_enqueue() -> Any:
        if queue is None:
            abort(404)
        row_id = insert(validated())
        queue.enqueue(NOOP_JOB, row_id)
        return {"id": row_id}, 201

    @app.get("/rows/<int:row_id>")
    def read_row(row_id: int) -> Any:
        with engine.connect() as connection:
            row = connection.execute(
                select(table.c.id, table.c.received_at, table.c.body).where(table.c.id == row_id)
            ).first()
        if row is None:
            abort(404)
        return {"id": row.id, "received_at": row.received_at.isoformat(), **row.body}

    return app
