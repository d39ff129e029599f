"""What WeChat keeps while the app runs, built once at start-up by its plug-in (channel.py).

The replay guard of plain mode (replay.py) lives for twice WECHAT_TIMESTAMP_TOLERANCE_SECONDS,
in Redis when configured, else in this process. The shared ChannelRuntime holds it without
knowing what it is (`ChannelRuntime.state_of`); the WeChat dependencies (deps.py) read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.channels.plugin import SenderContext
from api.channels.wechat.replay import MemoryReplayGuard, RedisReplayGuard, ReplayGuard


@dataclass(frozen=True)
class WeChatState:
    replay: ReplayGuard


def build_state(context: SenderContext) -> WeChatState:
    settings = context.settings
    ttl = 2 * settings.wechat_timestamp_tolerance_seconds
    if context.redis is not None:
        return WeChatState(RedisReplayGuard(context.redis, prefix=settings.channels_redis_prefix, ttl_seconds=ttl))
    return WeChatState(MemoryReplayGuard(ttl_seconds=ttl))
