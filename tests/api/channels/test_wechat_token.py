"""Access tokens from /cgi-bin/stable_token against a local stand-in speaking WeChat's protocol:
fetched once between replicas sharing a Redis (and once per process without one), renewed
when refused, forced only when WeChat hands back the refused token."""

from __future__ import annotations

import asyncio
import threading

from redis.asyncio import Redis

from api.channels.wechat.client import AccessTokenCache, CustomerService, HttpTransport
from tests.fakes.wechat_standin import WeChatStandIn, running


def _transport(standin: WeChatStandIn) -> HttpTransport:
    return HttpTransport(app_id=standin.app_id, app_secret=standin.secret, base_url=standin.base_url)


def test_the_request_is_the_stable_token_one() -> None:
    async def scenario(standin: WeChatStandIn) -> str:
        transport = _transport(standin)
        try:
            return await AccessTokenCache(transport, redis=None, prefix="t:").get()
        finally:
            await transport.aclose()

    with running() as standin:
        token = asyncio.run(scenario(standin))
    assert token == standin.token
    assert standin.token_requests == [
        {"grant_type": "client_credential", "appid": standin.app_id, "secret": standin.secret, "force_refresh": False}
    ]


def test_two_replicas_sharing_redis_fetch_the_token_once(redis_url: str, redis_prefix: str) -> None:
    """Two 'API processes': each thread has its own event loop, Redis connection, HTTP client and cache."""
    barrier = threading.Barrier(2)
    tokens: list[list[str]] = []

    async def replica(standin: WeChatStandIn) -> list[str]:
        redis = Redis.from_url(redis_url)
        transport = _transport(standin)
        try:
            cache = AccessTokenCache(transport, redis=redis, prefix=redis_prefix)
            await asyncio.to_thread(barrier.wait)
            return list(await asyncio.gather(*(cache.get() for _ in range(5))))
        finally:
            await transport.aclose()
            await redis.aclose()

    with running() as standin:
        standin.delay = 0.3  # both replicas ask while the first fetch is under way
        threads = [threading.Thread(target=lambda: tokens.append(asyncio.run(replica(standin)))) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert len(tokens) == 2 and {t for got in tokens for t in got} == {standin.token}
    assert len(standin.token_requests) == 1


def test_without_redis_one_fetch_per_process() -> None:
    async def scenario(standin: WeChatStandIn) -> set[str]:
        transport = _transport(standin)
        try:
            cache = AccessTokenCache(transport, redis=None, prefix="t:")
            return set(await asyncio.gather(*(cache.get() for _ in range(10))))
        finally:
            await transport.aclose()

    with running() as standin:
        standin.delay = 0.2
        assert asyncio.run(scenario(standin)) == {standin.token}
    assert len(standin.token_requests) == 1


def test_expired_and_revoked_tokens_are_replaced_and_the_message_goes_out(redis_url: str, redis_prefix: str) -> None:
    async def scenario(standin: WeChatStandIn) -> None:
        redis = Redis.from_url(redis_url)
        transport = _transport(standin)
        try:
            service = CustomerService(transport, AccessTokenCache(transport, redis=redis, prefix=redis_prefix))
            assert (await service.send_text(openid="o-standin-1", text="您好")).ok
            first = standin.token
            standin.expire()  # WeChat expired it before our cache did: 42001, fetched anew (not forced)
            assert (await service.send_text(openid="o-standin-1", text="第二条")).ok
            assert standin.token != first
            assert [r["force_refresh"] for r in standin.token_requests] == [False, False]
            standin.revoked = True  # refused, yet handed out again unforced: only then force a new one
            assert (await service.send_text(openid="o-standin-1", text="第三条")).ok
            assert [r["force_refresh"] for r in standin.token_requests] == [False, False, False, True]
            assert (await redis.get(f"{redis_prefix}wechat:access_token")).decode() == standin.token
        finally:
            await transport.aclose()
            await redis.aclose()

    with running() as standin:
        asyncio.run(scenario(standin))
    assert [m["text"]["content"] for m in standin.sent] == ["您好", "第二条", "第三条"]


def test_wrong_secret_is_reported_as_unavailable() -> None:
    async def scenario(standin: WeChatStandIn) -> str:
        transport = HttpTransport(app_id=standin.app_id, app_secret="wrong", base_url=standin.base_url)
        try:
            service = CustomerService(transport, AccessTokenCache(transport, redis=None, prefix="t:"))
            outcome = await service.send_text(openid="o-standin-2", text="您好")
            assert not outcome.ok and outcome.retry
            return outcome.reason or ""
        finally:
            await transport.aclose()

    with running() as standin:
        assert "40125" in asyncio.run(scenario(standin))
