"""The shared runtime holds what each channel's plug-in built, without knowing what it is."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from api.channels.registry import CHANNELS
from api.channels.runtime import ChannelRuntime
from api.channels.wechat.replay import MemoryReplayGuard, RedisReplayGuard
from api.channels.wechat.state import WeChatState
from api.vocab import ChannelKind


def test_each_plug_in_with_a_state_has_it_built_at_start_up(channel_client: Callable[..., Any]) -> None:
    with channel_client(redis_url=None) as client:
        runtime: ChannelRuntime = client.app.state.channels
        assert set(runtime.states) == {p.kind for p in CHANNELS if p.state is not None} == {ChannelKind.wechat}
        assert isinstance(runtime.state_of(ChannelKind.wechat, WeChatState).replay, MemoryReplayGuard)
        with pytest.raises(TypeError):
            runtime.state_of(ChannelKind.wechat, dict)


def test_the_wechat_replay_guard_is_shared_through_redis(
    channel_client: Callable[..., Any], redis_url: str, redis_prefix: str
) -> None:
    with channel_client(redis_url=redis_url, channels_redis_prefix=redis_prefix) as client:
        runtime: ChannelRuntime = client.app.state.channels
        assert isinstance(runtime.state_of(ChannelKind.wechat, WeChatState).replay, RedisReplayGuard)
        key = f"{uuid.uuid4().int % 10**9}:nonce"

        async def uses() -> list[bool]:
            guard = runtime.state_of(ChannelKind.wechat, WeChatState).replay
            return [await guard.first_use(key, "a"), await guard.first_use(key, "a"), await guard.first_use(key, "b")]

        assert client.portal.call(uses) == [True, True, False]  # type: ignore[attr-defined]
