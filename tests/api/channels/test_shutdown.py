"""Shutdown waits for the channels' background work before the database engine goes away."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool


def test_shutdown_waits_for_a_sweep_still_in_its_thread(channel_client: Callable[..., Any]) -> None:
    started, finished = threading.Event(), threading.Event()

    def slow_sweep_work() -> None:  # stands for a sweep holding a database connection
        started.set()
        time.sleep(0.5)
        finished.set()

    async def sweep() -> int:
        await run_in_threadpool(slow_sweep_work)
        return 0

    with channel_client(outbound_sweep_seconds=0.05) as client:
        client.app.state.channels.answerer.sweep = sweep  # type: ignore[attr-defined]
        assert started.wait(5)
    # The lifespan disposes of the engine right after the channels close: by then the thread is done.
    assert finished.is_set()
