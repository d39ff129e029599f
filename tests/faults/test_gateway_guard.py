"""The gateway's guard around one turn, in-process: real Redis (up or unreachable), Rasa and the
action server stood in for by an HTTP transport that records what reached them."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from api.chat.rasa_client import DialogueUnavailable, RasaClient
from devtools.stack import free_port
from tests.faults.services import PrivateRedis

pytestmark = pytest.mark.faults

ACTIONS = "http://actions.test"


class Upstreams:
    def __init__(self, *, answer: list[dict[str, Any]], actions_up: bool = True) -> None:
        self.answer = answer
        self.actions_up = actions_up
        self.turns = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "actions.test":
            if not self.actions_up:
                raise httpx.ConnectError("refused", request=request)
            return httpx.Response(200, json={"status": "ok"})
        self.turns += 1
        if self.answer == []:  # the action server dies while Rasa runs the turn
            self.actions_up = False
        return httpx.Response(200, json=self.answer)


def _send(up: Upstreams, redis_url: str | None) -> list[dict[str, Any]]:
    async def go() -> list[dict[str, Any]]:
        redis = Redis.from_url(redis_url) if redis_url else None
        client = RasaClient(
            "http://rasa.test",
            token="t",
            timeout=5,
            transport=httpx.MockTransport(up.handler),
            tracker_store=redis,
            action_server_url=ACTIONS,
        )
        try:
            return await client.send(sender="web:g", text="你好")
        finally:
            await client.aclose()
            if redis is not None:
                await redis.aclose()

    # A thread of its own: asyncio.run refuses to start where another test left a loop running.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


def test_turn_goes_through_when_everything_is_up(private_redis: PrivateRedis) -> None:
    up = Upstreams(answer=[{"text": "您好"}])
    assert _send(up, private_redis.url) == [{"text": "您好"}]
    assert up.turns == 1


def test_redis_unreachable_refuses_the_turn_before_rasa_sees_it() -> None:
    up = Upstreams(answer=[{"text": "您好"}])
    with pytest.raises(DialogueUnavailable, match="Redis"):
        _send(up, f"redis://127.0.0.1:{free_port()}")
    assert up.turns == 0


def test_action_server_down_refuses_the_turn_before_rasa_sees_it() -> None:
    up = Upstreams(answer=[{"text": "您好"}], actions_up=False)
    with pytest.raises(DialogueUnavailable, match="action server"):
        _send(up, None)
    assert up.turns == 0


def test_empty_answer_because_the_action_server_went_away_is_reported() -> None:
    up = Upstreams(answer=[])
    with pytest.raises(DialogueUnavailable, match="action server"):
        _send(up, None)
    assert up.turns == 1


def test_redis_lost_during_the_turn_discards_the_answer(tmp_path: Path) -> None:
    redis = PrivateRedis(tmp_path)
    redis.start()
    up = Upstreams(answer=[{"text": "一个可能来自临时内存会话的回答"}])
    original = up.handler

    def redis_dies_mid_turn(request: httpx.Request) -> httpx.Response:
        if request.url.host == "rasa.test":
            redis.stop(keep_data=False)
        return original(request)

    up.handler = redis_dies_mid_turn  # type: ignore[method-assign]
    try:
        with pytest.raises(DialogueUnavailable, match="Redis"):
            _send(up, redis.url)
    finally:
        redis.stop(keep_data=False)
    assert up.turns == 1
