"""Per-sender rate limits, the same on every channel (web, WeChat, SMS).

Fixed windows (a minute and a day) counted in Redis when configured, so every
API process shares the count; in process memory otherwise (one process).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Protocol

from redis.asyncio import Redis

RATE_LIMITED_REPLY = "您发送消息太频繁了，请稍等一分钟再发。如需帮助也可拨打12333人社服务热线。"
RATE_LIMITED_DAY_REPLY = "您今天发送的消息已达上限，请明天再来咨询，或拨打12333人社服务热线。"


class RateLimiter(Protocol):
    async def hit(self, sender: str) -> str | None:
        """Count one message; None when allowed, else the Chinese reply explaining the refusal."""
        ...


def _windows(per_minute: int, per_day: int, now: float) -> list[tuple[str, int, int, str]]:
    minute, day = int(now // 60), int(now // 86_400)
    return [
        (f"m{minute}", per_minute, 120, RATE_LIMITED_REPLY),
        (f"d{day}", per_day, 172_800, RATE_LIMITED_DAY_REPLY),
    ]


class RedisRateLimiter:
    def __init__(self, redis: Redis, *, prefix: str, per_minute: int, per_day: int) -> None:
        self._redis = redis
        self._prefix = prefix + "rate:"
        self._per_minute, self._per_day = per_minute, per_day

    async def hit(self, sender: str) -> str | None:
        windows = _windows(self._per_minute, self._per_day, time.time())
        pipe = self._redis.pipeline(transaction=False)
        for window, _, ttl, _ in windows:
            name = f"{self._prefix}{sender}:{window}"
            pipe.incr(name)
            pipe.expire(name, ttl, nx=True)
        results = await pipe.execute()
        for i, (_, limit, _, reply) in enumerate(windows):
            if int(results[2 * i]) > limit:
                return reply
        return None


class MemoryRateLimiter:
    """Counts in this process; forgets the least recently seen senders beyond `max_senders`."""

    def __init__(self, *, per_minute: int, per_day: int, max_senders: int = 100_000) -> None:
        self._per_minute, self._per_day = per_minute, per_day
        self._max = max_senders
        self._counts: OrderedDict[str, dict[str, int]] = OrderedDict()

    async def hit(self, sender: str) -> str | None:
        windows = _windows(self._per_minute, self._per_day, time.time())
        counts = self._counts.pop(sender, {})
        counts = {w: counts.get(w, 0) for w, *_ in windows}  # drops the windows that ended
        refusal = None
        for window, limit, _, reply in windows:
            counts[window] += 1
            if counts[window] > limit and refusal is None:
                refusal = reply
        self._counts[sender] = counts
        while len(self._counts) > self._max:
            self._counts.popitem(last=False)
        return refusal
