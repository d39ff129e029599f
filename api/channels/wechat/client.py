"""Calls to the WeChat server API: access tokens and customer-service (客服) messages.

Every network call goes through a `WeChatTransport`. `RecordingTransport` (the
development default, WECHAT_API=record) sends nothing and records what would
have been sent; `HttpTransport` (WECHAT_API=live) calls api.weixin.qq.com.

Access tokens come from `/cgi-bin/stable_token` (normal mode, force_refresh false):
unlike `/cgi-bin/token`, fetching one does not invalidate the token another replica
holds. They are cached in Redis when configured (shared by every replica; a Redis lock
lets one replica fetch while the others wait for its result), else in this process,
until REFRESH_MARGIN_SECONDS before they expire: WeChat hands out the next token in
its last five minutes and keeps the old one valid meanwhile. When WeChat refuses a
token it is fetched again; only when WeChat still returns the refused token is a new
one forced (force_refresh true, limited per day by WeChat).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError

log = logging.getLogger(__name__)

# errcode values of the WeChat API that matter here.
TOKEN_ERRORS = {40001, 40014, 42001}  # invalid credential, invalid token, token expired
UNDELIVERABLE = {
    45015: "超出48小时客服消息时限",  # response out of time limit
    45047: "超出客服消息条数限制",  # out of response count limit
    45009: "接口调用超出当日额度",  # reach max api daily quota limit
    43004: "用户未关注公众号",  # require subscribe
    40003: "OpenID 无效",  # invalid openid
}
REFRESH_MARGIN_SECONDS = 300
# How long one replica may hold the refresh lock (a fetch times out well before).
TOKEN_LOCK_SECONDS = 15.0


class WeChatUnavailable(Exception):
    """The WeChat API could not be reached or answered with something unexpected: retry later."""


class WeChatTransport(Protocol):
    async def fetch_token(self, *, force_refresh: bool = False) -> tuple[str, int]:
        """The current (or, forced, a new) access token and its remaining lifetime in seconds."""
        ...

    async def custom_send(self, access_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST /cgi-bin/message/custom/send; WeChat's JSON answer ({"errcode": 0, ...})."""
        ...


@dataclass
class RecordingTransport:
    """Development transport: nothing leaves the machine; calls are kept in `sent` and `token_fetches`.

    `fail_with` lets a test or a demo make the next sends answer with WeChat error codes.
    """

    token_lifetime: int = 7200
    sent: list[dict[str, Any]] = field(default_factory=list)
    token_fetches: int = 0
    fail_with: list[int] = field(default_factory=list)

    async def fetch_token(self, *, force_refresh: bool = False) -> tuple[str, int]:
        self.token_fetches += 1
        return f"dev-access-token-{self.token_fetches}", self.token_lifetime

    async def custom_send(self, access_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        if self.fail_with:
            code = self.fail_with.pop(0)
            return {"errcode": code, "errmsg": "recorded failure"}
        self.sent.append({"access_token": access_token, **payload})
        log.info("wechat customer-service message recorded (not sent) for %s", payload.get("touser"))
        return {"errcode": 0, "errmsg": "ok"}


class HttpTransport:
    def __init__(self, *, app_id: str, app_secret: str, base_url: str, timeout: float = 5.0) -> None:
        self._app_id, self._secret = app_id, app_secret
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout)

    async def _json(self, response: httpx.Response) -> dict[str, Any]:
        if response.status_code != 200:
            raise WeChatUnavailable(f"wechat http {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise WeChatUnavailable("wechat answered with invalid JSON") from exc
        if not isinstance(body, dict):
            raise WeChatUnavailable("wechat answered with unexpected JSON")
        return body

    async def fetch_token(self, *, force_refresh: bool = False) -> tuple[str, int]:
        payload = {
            "grant_type": "client_credential",
            "appid": self._app_id,
            "secret": self._secret,
            "force_refresh": force_refresh,
        }
        try:
            body = await self._json(await self._http.post("/cgi-bin/stable_token", json=payload))
        except httpx.HTTPError as exc:
            raise WeChatUnavailable(type(exc).__name__) from exc
        if "access_token" not in body:
            raise WeChatUnavailable(f"token refused: errcode {body.get('errcode')}")
        return str(body["access_token"]), int(body.get("expires_in", 7200))

    async def custom_send(self, access_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self._http.post(
                "/cgi-bin/message/custom/send", params={"access_token": access_token}, json=payload
            )
        except httpx.HTTPError as exc:
            raise WeChatUnavailable(type(exc).__name__) from exc
        return await self._json(response)

    async def aclose(self) -> None:
        await self._http.aclose()


class AccessTokenCache:
    """The current access token, shared through Redis by every process when configured."""

    def __init__(self, transport: WeChatTransport, *, redis: Redis | None, prefix: str) -> None:
        self._transport = transport
        self._redis = redis
        self._key = prefix + "wechat:access_token"
        self._token: str | None = None
        self._expires_at = 0.0
        # Tasks of this process queue here first, so only one of them waits on the Redis lock.
        self._lock = asyncio.Lock()

    async def _cached(self) -> str | None:
        if self._redis is not None:
            raw = await self._redis.get(self._key)
            return raw.decode() if isinstance(raw, bytes) else raw
        return self._token if time.time() < self._expires_at else None

    async def _store(self, token: str, lifetime: int) -> None:
        # Kept until the margin before expiry; a token with less left than that is kept briefly.
        keep = max(min(lifetime, 30), lifetime - REFRESH_MARGIN_SECONDS)
        if self._redis is not None:
            await self._redis.set(self._key, token, ex=max(1, keep))
        else:
            self._token, self._expires_at = token, time.time() + keep

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[None]:
        async with self._lock:
            if self._redis is None:
                yield
                return
            lock = self._redis.lock(
                self._key + ":lock", timeout=TOKEN_LOCK_SECONDS, blocking_timeout=TOKEN_LOCK_SECONDS + 5
            )
            try:
                acquired = await lock.acquire()
            except RedisError as exc:
                raise WeChatUnavailable(f"token lock: {type(exc).__name__}") from exc
            if not acquired:
                raise WeChatUnavailable("token lock: another replica is still fetching")
            try:
                yield
            finally:
                try:
                    await lock.release()
                except LockError:
                    log.warning("wechat token lock expired before release")

    async def get(self, *, refresh: bool = False) -> str:
        """The cached token; refresh=True renews whatever is cached (as if WeChat refused it)."""
        token = await self._cached()
        if token is not None and not refresh:
            return token
        return await self._renew(stale=token if refresh else None)

    async def refresh(self, stale: str) -> str:
        """A token to use instead of `stale`, which WeChat refused."""
        return await self._renew(stale=stale)

    async def _renew(self, *, stale: str | None) -> str:
        async with self._exclusive():
            token = await self._cached()
            if token is not None and token != stale:
                return token  # renewed meanwhile by another task or replica
            token, lifetime = await self._transport.fetch_token()
            if stale is not None and token == stale:
                log.warning("wechat returned the refused access token again: forcing a new one")
                token, lifetime = await self._transport.fetch_token(force_refresh=True)
            await self._store(token, lifetime)
            return token


@dataclass(frozen=True)
class SendOutcome:
    ok: bool
    retry: bool = False  # a transient failure: try again later
    reason: str | None = None


class CustomerService:
    def __init__(self, transport: WeChatTransport, tokens: AccessTokenCache) -> None:
        self.transport = transport
        self.tokens = tokens

    async def send_text(self, *, openid: str, text: str) -> SendOutcome:
        payload = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        try:
            token = await self.tokens.get()
            answer = await self.transport.custom_send(token, payload)
            if answer.get("errcode") in TOKEN_ERRORS:
                answer = await self.transport.custom_send(await self.tokens.refresh(token), payload)
        except WeChatUnavailable as exc:
            log.warning("wechat customer-service send failed: %s", exc)
            return SendOutcome(ok=False, retry=True, reason=f"微信接口不可用：{exc}")
        code = int(answer.get("errcode", 0) or 0)
        if code == 0:
            return SendOutcome(ok=True)
        if code in UNDELIVERABLE:
            return SendOutcome(ok=False, reason=f"{UNDELIVERABLE[code]}（errcode {code}）")
        if code == -1:  # system busy
            return SendOutcome(ok=False, retry=True, reason="微信系统繁忙（errcode -1）")
        return SendOutcome(ok=False, reason=f"微信接口错误 errcode {code}")
