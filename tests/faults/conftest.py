"""Fixtures of the fault tests: the product running on services the test may break.

Nothing here touches the shared Redis or PostgreSQL that other tests use: Redis
is a private redis-server, and PostgreSQL is reached through a TCP proxy the
test cuts (on a schema of its own, dropped at the end).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy.engine import Engine

from api.db import make_engine
from devtools.stack import BOT_BIN, MODEL, Stack
from tests.conftest import _unavailable
from tests.faults.services import REDIS_SERVER, PrivateRedis, TcpProxy, wait_healthy
from tests.security.private_db import empty_postgres_schema, postgres_base, schema_url


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "faults: breaks a real dependency (Redis, PostgreSQL, action server)")


def require_model() -> None:
    if not MODEL.exists() or not (BOT_BIN / "rasa").exists():
        pytest.fail("the dialogue model is not trained: run scripts/train.sh (make test does)")


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    if REDIS_SERVER is None:
        _unavailable("redis-server binary")
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop(keep_data=False)


@dataclass
class ProxiedPostgres:
    proxy: TcpProxy
    url: str  # the API's DATABASE_URL: through the proxy, on a private schema
    admin: Engine  # direct to the server, same schema: for checking what was written


@pytest.fixture(scope="module")
def proxied_postgres() -> Iterator[ProxiedPostgres]:
    base = postgres_base()
    target = urlsplit(base)
    with empty_postgres_schema(base, prefix="f") as schema:
        proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
        proxy.start()
        userinfo = target.netloc.rpartition("@")[0]
        through_proxy = target._replace(netloc=f"{userinfo}{'@' if userinfo else ''}127.0.0.1:{proxy.port}")
        admin = make_engine(schema_url(base, schema))
        try:
            yield ProxiedPostgres(proxy=proxy, url=schema_url(urlunsplit(through_proxy), schema), admin=admin)
        finally:
            proxy.stop()
            admin.dispose()


@pytest.fixture(scope="module")
def api_on_proxied_postgres(
    proxied_postgres: ProxiedPostgres, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """Only the API process (migrated and seeded through the proxy): the database tests need no Rasa."""
    s = Stack(workdir=tmp_path_factory.mktemp("pgstack"), env_overrides={"DATABASE_URL": proxied_postgres.url})
    try:
        s.start_api()
        wait_healthy(s)
        yield s
    finally:
        s.stop_all()


@pytest.fixture(scope="session")
def redis_stack(private_redis: PrivateRedis, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole product with REDIS_URL: API on the private Redis, Rasa with the Redis tracker and lock stores."""
    require_model()
    env = {
        "REDIS_URL": f"{private_redis.url}/0",
        "RASA_REDIS_HOST": "127.0.0.1",
        "RASA_REDIS_PORT": str(private_redis.port),
        "RASA_REDIS_DB": "1",
        # Rasa refuses to start on an unset ${VAR}: empty is no AUTH and no TLS (bot/endpoints.redis.yml).
        "RASA_REDIS_PASSWORD": "",
        "RASA_REDIS_USE_SSL": "",
    }
    with Stack(workdir=tmp_path_factory.mktemp("redisstack"), env_overrides=env).running(
        "bot/endpoints.redis.yml"
    ) as s:
        yield s
