"""The de-duplication stores (Redis, database), rate limiters and the access-token cache."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from api.channels.dedup import DatabaseDedup, DedupRecord, DedupStore, RedisDedup, wait_for_outcome
from api.channels.models import ChannelContact, InboundMessage
from api.channels.outbound import record_inbound
from api.channels.ratelimit import RATE_LIMITED_DAY_REPLY, RATE_LIMITED_REPLY, MemoryRateLimiter, RedisRateLimiter
from api.channels.wechat.client import AccessTokenCache, RecordingTransport
from api.db import make_sessionmaker


@pytest.fixture(params=["database", "redis"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


StoreTest = Callable[[DedupStore], Awaitable[None]]
Runner = Callable[[StoreTest], None]


def run_with_store(kind: str, engine: Engine, redis_url: str | None, prefix: str, test: StoreTest) -> None:
    async def main() -> None:
        redis = Redis.from_url(redis_url) if kind == "redis" and redis_url else None
        store: DedupStore
        if redis is not None:
            store = RedisDedup(redis, prefix=prefix, ttl_seconds=60)
        else:
            store = DatabaseDedup(make_sessionmaker(engine), ttl_seconds=60)
        try:
            await test(store)
        finally:
            if redis is not None:
                await redis.aclose()

    asyncio.run(main())


@pytest.fixture
def store_runner(store_kind: str, engine: Engine, request: pytest.FixtureRequest) -> Runner:
    redis_url = request.getfixturevalue("redis_url") if store_kind == "redis" else None
    prefix = request.getfixturevalue("redis_prefix")
    return lambda test: run_with_store(store_kind, engine, redis_url, prefix, test)


def test_only_one_of_many_concurrent_claims_wins(store_runner: Runner) -> None:
    key = f"wx:msg:{uuid.uuid4().int % 10**17}"

    async def test(store: DedupStore) -> None:
        results = await asyncio.gather(*(store.claim(key) for _ in range(8)))
        assert sum(r is None for r in results) == 1
        assert all(r == DedupRecord(state="processing") for r in results if r is not None)
        await store.update(key, state="answered", reply="审核需要7个工作日")
        assert await store.claim(key) == DedupRecord(state="answered", reply="审核需要7个工作日")
        await store.release(key)
        assert await store.claim(key) is None  # released: a retry may do the work

    store_runner(test)


def test_waiting_for_the_first_delivery(store_runner: Runner) -> None:
    key = f"wx:msg:{uuid.uuid4().int % 10**17}"

    async def test(store: DedupStore) -> None:
        assert await store.claim(key) is None

        async def finish_later() -> None:
            await asyncio.sleep(0.3)
            await store.update(key, state="answered", reply="好的")

        waiter = asyncio.create_task(wait_for_outcome(store, key, seconds=3))
        await finish_later()
        assert await waiter == DedupRecord(state="answered", reply="好的")
        other = f"{key}-slow"
        await store.claim(other)
        assert await wait_for_outcome(store, other, seconds=0.3) == DedupRecord(state="processing")

    store_runner(test)


def test_database_claims_expire(engine: Engine) -> None:
    store = DatabaseDedup(make_sessionmaker(engine), ttl_seconds=60)
    key = f"sms:aliyun:{uuid.uuid4().int % 10**12}"

    async def test() -> None:
        assert await store.claim(key) is None
        assert await store.claim(key) is not None
        with time_machine.travel(time.time() + 120, tick=False):
            assert await store.claim(key) is None  # an old id seen again after its TTL is new

    asyncio.run(test())


def test_memory_rate_limiter_windows() -> None:
    limiter = MemoryRateLimiter(per_minute=3, per_day=5)

    async def test() -> None:
        with time_machine.travel(1_800_000_000, tick=False) as traveller:
            assert [await limiter.hit("web:a") for _ in range(4)] == [None, None, None, RATE_LIMITED_REPLY]
            assert await limiter.hit("web:b") is None  # per sender
            traveller.shift(61)
            assert await limiter.hit("web:a") is None
            assert await limiter.hit("web:a") == RATE_LIMITED_DAY_REPLY  # 6th today

    asyncio.run(test())


def test_redis_rate_limiter_is_shared(redis_url: str, redis_prefix: str) -> None:
    async def test() -> None:
        first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
        try:
            a = RedisRateLimiter(first, prefix=redis_prefix, per_minute=2, per_day=100)
            b = RedisRateLimiter(second, prefix=redis_prefix, per_minute=2, per_day=100)
            with time_machine.travel(1_800_000_000, tick=False):
                assert await a.hit("wx:o1") is None
                assert await b.hit("wx:o1") is None
                assert await a.hit("wx:o1") == RATE_LIMITED_REPLY  # counted across processes
        finally:
            await first.aclose()
            await second.aclose()

    asyncio.run(test())


def test_access_token_cached_in_process_and_refreshed() -> None:
    transport = RecordingTransport(token_lifetime=7200)
    cache = AccessTokenCache(transport, redis=None, prefix="t:")

    async def test() -> None:
        with time_machine.travel(1_800_000_000, tick=False) as traveller:
            assert await cache.get() == "dev-access-token-1"
            assert await cache.get() == "dev-access-token-1"
            traveller.shift(7200 - 299)  # renewed five minutes before WeChat's expiry
            assert await cache.get() == "dev-access-token-2"
            assert await cache.get(refresh=True) == "dev-access-token-3"
        assert transport.token_fetches == 3

    asyncio.run(test())


def test_access_token_shared_through_redis(redis_url: str, redis_prefix: str) -> None:
    transport = RecordingTransport()

    async def test() -> None:
        first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
        try:
            one = AccessTokenCache(transport, redis=first, prefix=redis_prefix)
            two = AccessTokenCache(transport, redis=second, prefix=redis_prefix)
            assert await asyncio.gather(one.get(), one.get()) == ["dev-access-token-1"] * 2
            assert await two.get() == "dev-access-token-1"
            assert transport.token_fetches == 1
            assert 0 < await first.ttl(f"{redis_prefix}wechat:access_token") <= 7200 - 300
        finally:
            await first.aclose()
            await second.aclose()

    asyncio.run(test())


def test_database_purges_expired_ids(engine: Engine) -> None:
    store = DatabaseDedup(make_sessionmaker(engine), ttl_seconds=60)
    key = f"wx:msg:{uuid.uuid4().int % 10**17}"

    async def test() -> None:
        assert await store.claim(key) is None
        with time_machine.travel(time.time() + 120, tick=False):
            assert store.purge_expired() >= 1
        assert await store.get(key) is None

    asyncio.run(test())


# ---- the database store joins the caller's transaction -----------------------------------------------


def test_a_database_claim_is_part_of_the_callers_transaction(engine: Engine) -> None:
    sessions = make_sessionmaker(engine)
    store = DatabaseDedup(sessions, ttl_seconds=60)
    key, sender = f"wx:msg:{uuid.uuid4().int % 10**17}", f"wx:{uuid.uuid4().hex}"
    with sessions() as session:
        assert store.claim_in(session, key) is None
        session.rollback()  # the caller's work failed: the claim goes with it
    assert asyncio.run(store.get(key)) is None
    with sessions() as session:
        assert store.claim_in(session, key) is None
        record_inbound(session, sender=sender)
        session.commit()  # claim and contact, together
    with sessions() as session:
        assert session.get(ChannelContact, sender) is not None
    assert asyncio.run(store.claim(key)) == DedupRecord(state="processing")


def test_a_lost_claim_leaves_the_callers_transaction_usable(engine: Engine) -> None:
    """The duplicate insert fails in a savepoint: on PostgreSQL the caller's transaction is not aborted."""
    sessions = make_sessionmaker(engine)
    store = DatabaseDedup(sessions, ttl_seconds=60)
    key, sender = f"sms:aliyun:{uuid.uuid4().int % 10**12}", f"wx:{uuid.uuid4().hex}"
    assert asyncio.run(store.claim(key)) is None
    with sessions() as session:
        record_inbound(session, sender=sender)
        assert store.claim_in(session, key) == DedupRecord(state="processing")
        assert store.claim_in(session, key) == DedupRecord(state="processing")
        session.commit()
    with sessions() as session:
        assert session.get(ChannelContact, sender) is not None
        assert session.scalar(select(func.count()).where(InboundMessage.key == key)) == 1


def test_concurrent_claims_in_callers_transactions_write_one_row(engine: Engine) -> None:
    """Deliveries of one id at once, each claiming in its own open transaction: one wins, each loser
    waits for the winner's commit (PostgreSQL) or the write lock (SQLite) and reads the winner's row."""
    sessions = make_sessionmaker(engine)
    store = DatabaseDedup(sessions, ttl_seconds=60)
    key = f"wx:msg:{uuid.uuid4().int % 10**17}"
    start = threading.Barrier(6)

    def deliver(_: int) -> DedupRecord | None:
        start.wait()
        with sessions() as session:
            record = store.claim_in(session, key)
            time.sleep(0.05)  # the winner holds its transaction open a little
            session.commit()
            return record

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(deliver, range(6)))
    assert sum(r is None for r in results) == 1
    assert all(r == DedupRecord(state="processing") for r in results if r is not None)
    with sessions() as session:
        assert session.scalar(select(func.count()).where(InboundMessage.key == key)) == 1
