"""Whether the dialogue engine's own dependencies are up, kept off the path of each turn.

The gateway fails closed when Rasa's Redis (tracker and lock stores) or the action server
is down (api/chat/rasa_client.py says why). Asking both before every turn cost a Redis round
trip and an HTTP request to the action server per message, on every conversation at once.
Instead a background probe asks them every PROBE_INTERVAL seconds and keeps a verdict per
dependency; a turn that finds every verdict "up" and younger than FRESH_FOR seconds goes
straight to Rasa. Anything else (no verdict yet, a stale one, or "down") is checked by the
turn itself, one probe at a time shared by the turns that wait for it: a client whose probe
is not running, or is stuck, behaves as before, and a dependency that is back is used at
once rather than after the next probe. The turn's own errors (a failed check after the
turn) record "down" at once, so the next turns check instead of trusting an older "up".
A turn therefore never rests on an "up" more than FRESH_FOR (one second) old: an outage is
refused within a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

PROBE_INTERVAL = 0.5
FRESH_FOR = 1.0

# A check answers None when the dependency is up, else why not (the DialogueUnavailable message).
Check = Callable[[], Awaitable[str | None]]


@dataclass(frozen=True)
class Verdict:
    problem: str | None
    at: float


class DependencyHealth:
    def __init__(
        self,
        checks: dict[str, Check],
        *,
        interval: float = PROBE_INTERVAL,
        fresh_for: float = FRESH_FOR,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._checks = checks
        self._interval, self._fresh_for, self._clock = interval, fresh_for, clock
        self._verdicts: dict[str, Verdict] = {}
        self._probing: dict[str, asyncio.Task[str | None]] = {}
        self._loop_task: asyncio.Task[None] | None = None

    async def require(self) -> list[str]:
        """Every dependency's problem ([]: all up), from fresh "up" verdicts or else a probe now."""
        now = self._clock()
        unsure = [
            name
            for name in self._checks
            if (v := self._verdicts.get(name)) is None or v.problem is not None or now - v.at > self._fresh_for
        ]
        if unsure:
            await asyncio.gather(*(self.confirm(name) for name in unsure))
        return [v.problem for name in self._checks if (v := self._verdicts[name]).problem is not None]

    async def confirm(self, name: str) -> str | None:
        """Probe `name` (joining a probe already running) and record the verdict."""
        task = self._probing.get(name)
        if task is None or task.done():  # a finished probe's answer is the past, not now
            task = asyncio.ensure_future(self._probe(name))
            self._probing[name] = task
        # shield: a turn that is cancelled (client gone) does not cancel the probe others wait for.
        return await asyncio.shield(task)

    async def probe_now(self, name: str) -> str | None:
        """A probe of `name` begun now, not joined to one begun earlier: evidence about this moment."""
        return await self._probe(name)

    async def _probe(self, name: str) -> str | None:
        started = self._clock()
        problem = await self._checks[name]()
        self.record(name, problem, at=started)
        return problem

    def record(self, name: str, problem: str | None, *, at: float | None = None) -> None:
        """A verdict, timed from when its evidence was taken (a slow probe is not fresher than it is)."""
        previous = self._verdicts.get(name)
        if previous is not None and (previous.problem is None) != (problem is None):
            log.warning("dialogue dependency %s %s", name, "is back" if problem is None else f"down: {problem}")
        self._verdicts[name] = Verdict(problem, self._clock() if at is None else at)

    async def _run(self) -> None:
        while True:
            await asyncio.gather(*(self.confirm(name) for name in self._checks), return_exceptions=True)
            await asyncio.sleep(self._interval)

    def start(self) -> None:
        """Probe in the background on the running loop (the API's lifespan)."""
        if self._checks and self._loop_task is None:
            self._loop_task = asyncio.get_running_loop().create_task(self._run(), name="dialogue-health-probe")

    async def stop(self) -> None:
        task, self._loop_task = self._loop_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for probe in list(self._probing.values()):
            probe.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await probe
