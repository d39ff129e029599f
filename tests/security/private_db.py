"""A migrated database of a test module's own, on SQLite and on PostgreSQL.

Fuzzing and role checks change what they touch (staff roles, active flags, passwords),
so they must not share the run-wide database (tests/conftest.py `db_url`) with other tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from api.db import make_engine
from api.migrate import upgrade
from tests.conftest import _postgres_schema_url, _unavailable

TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")


def private_database(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'private.db'}"
        upgrade(url=url)
        yield url
        return
    if not TEST_POSTGRES_URL:
        _unavailable("PostgreSQL (TEST_POSTGRES_URL)")
    assert TEST_POSTGRES_URL
    schema = f"p_{uuid.uuid4().hex[:12]}"
    admin = make_engine(TEST_POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _postgres_schema_url(TEST_POSTGRES_URL, schema)
        upgrade(url=url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def private_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from private_database(request.param, tmp_path_factory.mktemp("privdb"))
