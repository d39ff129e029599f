"""What the channels need at run time, built once at start-up and kept on app.state.channels."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from api.channels.answerer import Answerer
from api.channels.dedup import DatabaseDedup, DedupStore, RedisDedup
from api.channels.outbound import OutboundDispatcher
from api.channels.plugin import SenderContext
from api.channels.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from api.channels.registry import build_senders, build_states
from api.settings import Settings
from api.vocab import ChannelKind

log = logging.getLogger(__name__)
S = TypeVar("S")
PURGE_SECONDS = 3600
# How long shutdown waits for turns and deliveries in flight (a Rasa turn times out sooner).
SHUTDOWN_GRACE_SECONDS = 15.0


@dataclass
class ChannelRuntime:
    settings: Settings
    dedup: DedupStore
    limiter: RateLimiter
    dispatcher: OutboundDispatcher
    answerer: Answerer
    # Per client address on the anonymous web routes (keys "chat:<ip>", "read:<ip>", "dev:<ip>").
    ip_limiter: RateLimiter | None = None
    # What each channel keeps while the app runs, built by its plug-in (registry.build_states).
    states: dict[ChannelKind, object] = field(default_factory=dict)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def state_of(self, kind: ChannelKind, expected: type[S]) -> S:
        """The run-time state the channel `kind` built at start-up (its plug-in's `state`)."""
        state = self.states[kind]
        if not isinstance(state, expected):
            raise TypeError(f"channel {kind.value} keeps a {type(state).__name__}, not a {expected.__name__}")
        return state

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run work that outlives the request (kept referenced until it ends; failures logged)."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self.tasks.add(task)
        task.add_done_callback(self._done)
        return task

    async def maintain(self) -> None:
        """Until the app stops: answer pending replies left by a dead process, retry queued
        outbound messages, forget expired delivery ids.

        Stopped by aclose() between two rounds when the app shuts down; the senders' clients
        (WeChat's HTTP client) are closed then.
        """
        interval = self.settings.outbound_sweep_seconds
        loop = asyncio.get_running_loop()
        last_purge = loop.time()
        try:
            if interval <= 0:
                await self._stopping.wait()
                return
            while not await self._stop_within(interval):
                try:
                    await self.answerer.sweep()
                    await self.dispatcher.sweep()
                    if isinstance(self.dedup, DatabaseDedup) and loop.time() - last_purge > PURGE_SECONDS:
                        last_purge = loop.time()
                        await run_in_threadpool(self.dedup.purge_expired)
                except SQLAlchemyError as exc:
                    log.error("channels maintenance failed: %s", type(exc).__name__)
        finally:
            await self.dispatcher.aclose()

    async def aclose(self, *, grace_seconds: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Stop the sweeper, let the background turns and deliveries end, then return.

        Must run before the database engine is disposed: work still in a worker thread would
        otherwise hand its connection back to a pool already disposed, leaving it open. Cancelling
        is not enough for that: a cancelled task ends at once while its thread (run_in_threadpool)
        goes on. So the sweeper is asked to stop between rounds and the rest is awaited; only what
        is still running after the grace period is cancelled (a pending reply then stays pending,
        answered by the next process's sweep).
        """
        self.dispatcher.stop()
        self._stopping.set()
        tasks = [*self.tasks, *self.dispatcher.tasks]
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=grace_seconds)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)

    async def _stop_within(self, seconds: float) -> bool:
        """Wait `seconds`; True as soon as aclose() asks the sweeper to stop."""
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    def _done(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("background %s failed: %s", task.get_name(), type(exc).__name__, exc_info=exc)


def build_runtime(app: FastAPI) -> ChannelRuntime:
    settings: Settings = app.state.settings
    redis: Redis | None = app.state.redis
    prefix = settings.channels_redis_prefix
    dedup: DedupStore
    limiter: RateLimiter
    ip_limiter: RateLimiter
    per_ip = {"per_minute": settings.channel_rate_per_ip_per_minute, "per_day": settings.channel_rate_per_ip_per_day}
    if redis is not None:
        dedup = RedisDedup(redis, prefix=prefix, ttl_seconds=settings.channel_dedup_ttl_seconds)
        limiter = RedisRateLimiter(
            redis, prefix=prefix, per_minute=settings.channel_rate_per_minute, per_day=settings.channel_rate_per_day
        )
        ip_limiter = RedisRateLimiter(redis, prefix=f"{prefix}ip-", **per_ip)
    else:
        dedup = DatabaseDedup(app.state.sessionmaker, ttl_seconds=settings.channel_dedup_ttl_seconds)
        limiter = MemoryRateLimiter(per_minute=settings.channel_rate_per_minute, per_day=settings.channel_rate_per_day)
        ip_limiter = MemoryRateLimiter(**per_ip)
    context = SenderContext(settings=settings, sessions=app.state.sessionmaker, redis=redis, sms=app.state.sms)
    senders = build_senders(context)
    dispatcher = OutboundDispatcher(
        sessions=app.state.sessionmaker,
        senders=senders,
        database_url=app.state.engine.url.render_as_string(hide_password=False),
    )
    answerer = Answerer(
        rasa=app.state.rasa,
        sessions=app.state.sessionmaker,
        dispatcher=dispatcher,
        secret_key=settings.secret_key,
        lease=timedelta(seconds=settings.pending_reply_lease_seconds),
    )
    return ChannelRuntime(
        settings=settings,
        dedup=dedup,
        limiter=limiter,
        ip_limiter=ip_limiter,
        dispatcher=dispatcher,
        answerer=answerer,
        states=build_states(context),
    )


def setup_channels(app: FastAPI) -> None:
    """Start-up hook (api/startup.py): build the runtime and start the outbound sweeper."""
    runtime = build_runtime(app)
    app.state.channels = runtime
    loop = asyncio.get_running_loop()
    runtime.dispatcher.start(loop)
    runtime.spawn(runtime.maintain(), name="channels-maintenance")


async def close_channels(app: FastAPI) -> None:
    """Shutdown hook (api/startup.py): the counterpart of setup_channels."""
    runtime: ChannelRuntime | None = getattr(app.state, "channels", None)
    if runtime is not None:
        await runtime.aclose()
