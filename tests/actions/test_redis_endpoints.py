"""Rasa's Redis stores as bot/endpoints.redis.yml configures them, built by Rasa 3.6 itself.

The keys are those RedisTrackerStore and RedisLockStore take (`password`, `use_ssl`): read with
Rasa's own endpoint reader (which expands ${VARS}) and built by its factories, so a key Rasa does
not know, or a variable that does not arrive, fails here rather than in a cluster.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore, TrackerStore
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain

ENDPOINTS = Path(__file__).resolve().parents[2] / "bot" / "endpoints.redis.yml"


def stores(
    monkeypatch: pytest.MonkeyPatch, *, port: int = 6379, password: str = "", use_ssl: str = ""
) -> tuple[RedisTrackerStore, RedisLockStore]:
    env = {
        "ACTION_SERVER_URL": "http://127.0.0.1:9",
        "ACTION_SERVER_TOKEN": "t",
        "RASA_REDIS_HOST": "127.0.0.1",
        "RASA_REDIS_PORT": str(port),
        "RASA_REDIS_DB": "1",
        "RASA_REDIS_PASSWORD": password,
        "RASA_REDIS_USE_SSL": use_ssl,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    endpoints = read_endpoints_from_path(str(ENDPOINTS))
    tracker_store = TrackerStore.create(endpoints.tracker_store, Domain.empty())
    lock_store = LockStore.create(endpoints.lock_store)
    assert isinstance(tracker_store, RedisTrackerStore) and isinstance(lock_store, RedisLockStore)
    return tracker_store, lock_store


def connection(store: RedisTrackerStore | RedisLockStore) -> tuple[type, dict[str, object]]:
    pool = store.red.connection_pool
    return pool.connection_class, pool.connection_kwargs


def test_plain_and_without_a_password_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for store in stores(monkeypatch):
        cls, kwargs = connection(store)
        assert cls is redis.Connection and not kwargs.get("password")


def test_password_and_tls_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for store in stores(monkeypatch, password="s3cret-pw", use_ssl="true"):
        cls, kwargs = connection(store)
        assert cls is redis.SSLConnection and kwargs["password"] == "s3cret-pw"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def redis_with_password(tmp_path: Path) -> Iterator[tuple[int, str]]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server not installed")
    port, password = _free_port(), "pw-for-rasa-test"
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--requirepass",
            password,
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=port, password=password).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield port, password
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_stores_log_in_to_a_redis_that_requires_a_password(
    monkeypatch: pytest.MonkeyPatch, redis_with_password: tuple[int, str]
) -> None:
    port, password = redis_with_password
    tracker_store, lock_store = stores(monkeypatch, port=port, password=password)
    lock_store.save_lock(lock_store.create_lock("conv-1"))
    assert lock_store.get_lock("conv-1") is not None
    assert tracker_store.red.ping()
    _, without = stores(monkeypatch, port=port)
    with pytest.raises(redis.AuthenticationError):
        without.get_lock("conv-1")
