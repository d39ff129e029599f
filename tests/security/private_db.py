"""Databases of a test module's own, on SQLite and on PostgreSQL (a fresh schema, dropped after).

Fuzzing and role checks change what they touch (staff roles, active flags, passwords), and
fault tests break the connection, so none of them share the run-wide database
(tests/conftest.py `db_url`) with other tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from api.db import make_engine
from api.migrate import upgrade
from tests.conftest import _postgres_schema_url, _unavailable


def postgres_base() -> str:
    """TEST_POSTGRES_URL with the psycopg 3 driver, or a skip (a failure under REQUIRE_SERVICES=1)."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        _unavailable("PostgreSQL (TEST_POSTGRES_URL)")
    assert url
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def empty_postgres_schema(base: str, prefix: str = "p") -> Iterator[str]:
    """The name of a new, empty schema on `base`, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    try:
        try:
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        except Exception as exc:  # noqa: BLE001 - report why the server was unusable
            _unavailable(f"PostgreSQL at TEST_POSTGRES_URL ({type(exc).__name__})")
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def schema_url(base: str, schema: str) -> str:
    return _postgres_schema_url(base, schema)


def private_database(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'private.db'}"
        upgrade(url=url)
        yield url
        return
    base = postgres_base()
    with empty_postgres_schema(base) as schema:
        url = schema_url(base, schema)
        upgrade(url=url)
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def private_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from private_database(request.param, tmp_path_factory.mktemp("privdb"))
