"""Refusing a captured (timestamp, nonce, signature) replayed with another body (plain mode).

In plain mode WeChat signs only (token, timestamp, nonce): the body is not
covered, so within the timestamp window a captured query string could carry a
forged message. Each (timestamp, nonce) is remembered with a digest of its body
for twice the window: the same body again is WeChat's own retry (answered by
de-duplication), another body is refused. Kept in Redis when configured (every
process sees it), else in this process's memory (one API process without Redis).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Protocol

from redis.asyncio import Redis


class ReplayGuard(Protocol):
    async def first_use(self, key: str, digest: str) -> bool:
        """True when `key` is new, or was seen with the same body `digest`."""
        ...


class RedisReplayGuard:
    def __init__(self, redis: Redis, *, prefix: str, ttl_seconds: int) -> None:
        self._redis, self._prefix, self._ttl = redis, prefix + "nonce:", ttl_seconds

    async def first_use(self, key: str, digest: str) -> bool:
        name = self._prefix + key
        if await self._redis.set(name, digest, nx=True, ex=self._ttl):
            return True
        seen = await self._redis.get(name)
        return seen is None or (seen.decode() if isinstance(seen, bytes) else str(seen)) == digest


class MemoryReplayGuard:
    def __init__(self, *, ttl_seconds: int, max_entries: int = 200_000) -> None:
        self._ttl, self._max = ttl_seconds, max_entries
        self._seen: OrderedDict[str, tuple[str, float]] = OrderedDict()

    async def first_use(self, key: str, digest: str) -> bool:
        now = time.monotonic()
        while self._seen:  # entries are in insertion order: drop the expired ones from the front
            oldest = next(iter(self._seen.values()))
            if oldest[1] > now and len(self._seen) < self._max:
                break
            self._seen.popitem(last=False)
        seen = self._seen.get(key)
        if seen is None:
            self._seen[key] = (digest, now + self._ttl)
            return True
        return seen[0] == digest
