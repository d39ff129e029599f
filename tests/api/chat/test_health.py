"""The dialogue dependencies' health: fresh verdicts spare the turn a probe, stale ones are re-checked."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx

from api.chat.health import FRESH_FOR, DependencyHealth
from api.chat.rasa_client import DialogueUnavailable, RasaClient

T = TypeVar("T")


def _run(make: Callable[[], Awaitable[T]]) -> T:
    async def go() -> T:
        return await make()

    # A thread of its own: asyncio.run refuses to start where another test left a loop running.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Probe:
    """A dependency check that counts its calls and answers `problem` (None: up)."""

    def __init__(self, problem: str | None = None, delay: float = 0.0) -> None:
        self.problem, self.delay, self.calls = problem, delay, 0

    async def __call__(self) -> str | None:
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        return self.problem


def test_a_fresh_verdict_spares_the_turn_a_probe() -> None:
    clock, redis = Clock(), Probe()
    health = DependencyHealth({"redis": redis}, clock=clock)

    async def turns() -> list[list[str]]:
        first = await health.require()  # no verdict yet: probed inline, as before
        clock.now += FRESH_FOR / 2
        second = await health.require()
        return [first, second]

    assert _run(turns) == [[], []]
    assert redis.calls == 1


def test_a_stale_verdict_is_checked_again_and_an_outage_is_seen() -> None:
    clock, redis = Clock(), Probe()
    health = DependencyHealth({"redis": redis}, clock=clock)

    async def turns() -> list[str]:
        await health.require()
        redis.problem = "tracker store (Redis) unreachable: ConnectionError"
        clock.now += FRESH_FOR + 0.01  # nothing refreshed it for over a second
        return await health.require()

    assert _run(turns) == ["tracker store (Redis) unreachable: ConnectionError"]
    assert redis.calls == 2


def test_turns_waiting_on_a_stale_verdict_share_one_probe() -> None:
    actions = Probe(delay=0.05)
    health = DependencyHealth({"actions": actions})

    async def fifty_turns() -> list[list[str]]:
        return list(await asyncio.gather(*(health.require() for _ in range(50))))

    assert _run(fifty_turns) == [[]] * 50
    assert actions.calls == 1


def test_a_failure_seen_by_a_turn_is_checked_again_by_the_next_turn() -> None:
    clock, actions = Clock(), Probe()
    health = DependencyHealth({"actions": actions}, clock=clock)

    async def turns() -> list[list[str]]:
        await health.require()  # probed: up, and fresh for a second
        health.record("actions", "action server unreachable")  # what a turn itself found
        actions.problem = "action server unreachable"
        refused = await health.require()  # not waved through on the older "up"
        actions.problem = None
        return [refused, await health.require()]  # back: used at once, not after the next probe

    assert _run(turns) == [["action server unreachable"], []]
    assert actions.calls == 3


def test_the_background_probe_sees_an_outage_within_a_second() -> None:
    redis = Probe()
    health = DependencyHealth({"redis": redis}, interval=0.05)

    async def outage() -> tuple[list[str], bool]:
        health.start()
        await asyncio.sleep(0.1)
        redis.problem = "tracker store (Redis) unreachable: TimeoutError"
        await asyncio.sleep(0.2)
        seen = health._verdicts["redis"].problem is not None  # by the probe, before any turn
        refused = await health.require()
        await health.stop()
        return refused, seen

    refused, seen = _run(outage)
    assert seen
    assert refused == ["tracker store (Redis) unreachable: TimeoutError"]
    assert redis.calls >= 3  # it kept probing in the background


class Upstreams:
    """Rasa and the action server behind one transport: what each was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.actions_down = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.asked.append(f"{request.url.host}{request.url.path}")
        if request.url.host == "actions.test":
            if self.actions_down:
                raise httpx.ConnectError("refused", request=request)
            return httpx.Response(200, json={"status": "ok"})
        return httpx.Response(200, json=[{"text": "您好"}])


def _client(up: Upstreams) -> RasaClient:
    return RasaClient(
        "http://rasa.test",
        token="t",
        timeout=5,
        transport=httpx.MockTransport(up.handler),
        action_server_url="http://actions.test",
    )


def test_with_the_probe_running_a_turn_is_one_request_to_rasa() -> None:
    up = Upstreams()

    async def ten_turns() -> list[list[dict[str, Any]]]:
        client = _client(up)
        client.start_health_probe()
        try:
            await asyncio.sleep(0.05)  # the probe's first verdict
            return [await client.send(sender="web:h", text="你好") for _ in range(10)]
        finally:
            await client.aclose()

    assert _run(ten_turns) == [[{"text": "您好"}]] * 10
    turns = [a for a in up.asked if a.startswith("rasa.test")]
    health = [a for a in up.asked if a.startswith("actions.test")]
    assert len(turns) == 10
    assert len(health) <= 2, health  # the probe's, not one per turn


def test_an_action_server_found_down_refuses_the_turn_before_rasa() -> None:
    up = Upstreams()
    up.actions_down = True

    async def turn() -> str:
        client = _client(up)
        client.start_health_probe()
        try:
            await asyncio.sleep(0.05)
            await client.send(sender="web:h", text="你好")
        except DialogueUnavailable as exc:
            return str(exc)
        finally:
            await client.aclose()
        return "answered"

    assert _run(turn) == "action server unreachable"
    assert not [a for a in up.asked if a.startswith("rasa.test")]
