"""Fixtures shared by every test.

Databases: every DB test runs twice, on SQLite (a file per run) and on
PostgreSQL (a fresh schema per run, dropped at the end), both built by the
Alembic migrations. Set TEST_POSTGRES_URL and TEST_REDIS_URL to point at the
servers; .ci/run sets them and REQUIRE_SERVICES=1, which turns a missing
server into a failure instead of a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from api.db import get_session, make_engine
from api.main import create_app
from api.migrate import upgrade
from api.settings import Settings

TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
DEV_AUTH = {"Authorization": "Bearer dev-token"}


def _unavailable(what: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not configured or reachable")
    pytest.skip(f"{what} not configured")


def _postgres_schema_url(base: str, schema: str) -> str:
    base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


def migrated_database(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database on `kind` ("sqlite" or "postgresql"), dropped afterwards."""
    if kind == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite:///{path}"
        upgrade(url=url)
        yield url
        return
    if not TEST_POSTGRES_URL:
        _unavailable("PostgreSQL (TEST_POSTGRES_URL)")
    assert TEST_POSTGRES_URL
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(TEST_POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - report why the server was unusable
        admin.dispose()
        _unavailable(f"PostgreSQL at TEST_POSTGRES_URL ({type(exc).__name__})")
    url = _postgres_schema_url(TEST_POSTGRES_URL, schema)
    upgrade(url=url)
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for this test run, on each backend."""
    yield from migrated_database(request.param, tmp_path_factory)


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        if outer.is_active:
            outer.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """A Session whose commits are savepoints inside the rolled-back test transaction."""
    with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
        yield s


def make_settings(db_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": db_url,
        "redis_url": None,
        # Nothing listens on port 9: the dialogue engine counts as down unless a test starts one.
        "rasa_url": "http://127.0.0.1:9",
        # No action server either: the gateway does not probe one (tests/faults run the real one).
        "action_server_url": None,
        "integration_tokens": ["dev-token"],
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def app_factory(db_url: str) -> Callable[..., FastAPI]:
    """Build an app on the test database with settings overridden: app_factory(redis_url=...)."""

    def build(**overrides: Any) -> FastAPI:
        return create_app(make_settings(db_url, **overrides))

    return build


@pytest.fixture
def client(app_factory: Callable[..., FastAPI], connection: Connection) -> Iterator[TestClient]:
    """TestClient whose requests share the test's rolled-back transaction.

    Not for concurrent requests: use `committed_client` for those.
    """
    app = app_factory()

    def _session() -> Iterator[Session]:
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    app.dependency_overrides[get_session] = _session
    with TestClient(app) as c:
        yield c


@pytest.fixture
def committed_client(app_factory: Callable[..., FastAPI]) -> Iterator[TestClient]:
    """TestClient on real, committing sessions (for concurrency tests).

    Rows it writes stay until the run's database is dropped, so tests using it
    must create their own uniquely-named data and not assume empty tables.
    """
    with TestClient(app_factory()) as c:
        yield c


@pytest.fixture
def auth_headers() -> dict[str, str]:
    return dict(DEV_AUTH)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A reachable Redis (TEST_REDIS_URL)."""
    if not TEST_REDIS_URL:
        _unavailable("Redis (TEST_REDIS_URL)")
    assert TEST_REDIS_URL
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis at TEST_REDIS_URL ({type(exc).__name__})")
    return TEST_REDIS_URL


@pytest.fixture
def redis_prefix() -> str:
    """A key prefix unique to this test, so parallel runs and tests never collide."""
    return f"test:{uuid.uuid4().hex[:10]}:"
