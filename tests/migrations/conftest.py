"""Fixtures of the migration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import postgres_base_url, worker_suffix


@pytest.fixture
def scratch_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind this run uses, apart from the one the other tests share."""
    base = postgres_base_url()
    if base is None:
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    name = f"mash_test_{worker_suffix()}_migrations"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
