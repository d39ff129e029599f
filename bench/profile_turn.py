"""Where the API spends a typical chat turn: cProfile over the API's share of bench/chat_turn.py.

    .venv/bin/python -m bench.profile_turn [--rounds 30] [--top 25] [--sort tottime|cumulative]

In-process, no Rasa: the app (create_app, its lifespan, a fresh SQLite file, migrated and
seeded) is driven through httpx's ASGI transport. A turn is what the API does for one of
bench/chat_turn.py's messages: POST /v1/chat (the gateway, against devtools/fake_rasa.py standing
in for Rasa and the action server's /health), then the call the action server would make for
that message: POST /v1/answers for a question, GET /v1/identity/senders/… for "我要签到",
nothing for small talk. Every thread is profiled (sync routes and dependencies run in the
thread pool); the stand-in runs in a process of its own so that its threads stay out of the
figures, and time spent blocked (socket reads, lock waits, epoll) is left out of the table.
Also prints how many times each turn entered the thread pool. Under the profiler the times
are slower than without it (--no-profile). Figures only, for docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chat_turn import MESSAGES  # noqa: E402
from devtools.fake_rasa import DEV_RASA_TOKEN  # noqa: E402

SMALL_TALK = {"你好", "谢谢"}
DIALOGUE_TOKEN = "dev-dialogue-token"


class ThreadProfiles:
    """One cProfile per thread (cProfile sees only the thread that enabled it), merged at the end."""

    def __init__(self) -> None:
        self.profiles: list[cProfile.Profile] = []
        self._lock = threading.Lock()

    def _start_in_thread(self, *_: Any) -> None:
        profile = cProfile.Profile()
        with self._lock:
            self.profiles.append(profile)
        profile.enable()  # replaces this hook for the thread

    def watch_threads(self) -> None:
        """Profile every thread started from now on (the thread pool's workers start on first use,
        so the warm-up's few turns are in their figures; the main thread's start after it)."""
        threading.setprofile(self._start_in_thread)

    def start(self) -> None:
        self.main = cProfile.Profile()
        self.profiles.insert(0, self.main)
        self.main.enable()

    def stop(self) -> pstats.Stats:
        threading.setprofile(None)  # type: ignore[arg-type]
        for profile in self.profiles:
            profile.disable()
        stats = pstats.Stats(self.profiles[0])
        for profile in self.profiles[1:]:
            try:
                stats.add(profile)
            except TypeError:  # a thread that never ran a profiled call
                continue
        return stats


def _prepare(workdir: Path, rasa_url: str) -> dict[str, str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "PYTEST"))},
        "ENVIRONMENT": "test",
        "DATABASE_URL": f"sqlite:///{workdir / 'profile.db'}",
        "REDIS_URL": "",
        "RASA_URL": rasa_url,
        "RASA_TOKEN": DEV_RASA_TOKEN,
        "ACTION_SERVER_URL": rasa_url,  # the stand-in answers /health too
        "DIALOGUE_TOKENS": DIALOGUE_TOKEN,
        "CHANNEL_RATE_PER_MINUTE": "1000000",
        "CHANNEL_RATE_PER_DAY": "100000000",
        "CHANNEL_RATE_PER_IP_PER_MINUTE": "100000000",
        "CHANNEL_RATE_PER_IP_PER_DAY": "1000000000",
        "LOG_LEVEL": "WARNING",
    }
    for command in ("migrate", "seed"):
        subprocess.run([sys.executable, "-m", "api", command], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


@contextmanager
def _fake_rasa() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "devtools.fake_rasa", str(port)], cwd=ROOT, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        proc.stdout.readline()  # "fake Rasa on …": listening
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


WAITING = {"recv_into", "acquire", "poll", "select", "wait", "recv"}


def without_waiting(stats: pstats.Stats) -> pstats.Stats:
    """Drop the builtins that only block (socket reads, lock waits, epoll): idle, not work."""
    table = stats.stats  # type: ignore[attr-defined]
    for key in [k for k in table if k[0] == "~" and any(f"'{w}'" in k[2] for w in WAITING)]:
        del table[key]
    return stats


class HopCounter:
    """Entries into the thread pool: anyio.to_thread.run_sync, through which Starlette and FastAPI
    run sync routes, sync dependencies, response validation and run_in_threadpool. (cProfile's own
    call count of it is no use: it counts every resumption of a coroutine as a call.)"""

    def __init__(self) -> None:
        self.count = 0

    def install(self) -> None:
        from anyio import to_thread

        original = to_thread.run_sync

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await original(*args, **kwargs)

        to_thread.run_sync = counted  # type: ignore[assignment]


async def _turns(rounds: int, profiles: ThreadProfiles | None, hops: HopCounter) -> float:
    import httpx

    from api.main import create_app
    from api.settings import load_settings

    app = create_app(load_settings())
    dialogue = {"Authorization": f"Bearer {DIALOGUE_TOKEN}"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            (await client.get("/chat")).raise_for_status()  # the browser's session cookie

            async def turn(sender: str, text: str) -> None:
                r = await client.post("/v1/chat", json={"sender": sender, "message": text})
                r.raise_for_status()
                if text == "我要签到":
                    path = f"/v1/identity/senders/{quote('web:' + sender, safe='')}"
                    r = await client.get(path, headers={**dialogue, "X-Claimant-Sender": f"web:{sender}"})
                elif text not in SMALL_TALK:
                    r = await client.post("/v1/answers", json={"message": text}, headers=dialogue)
                r.raise_for_status()

            for text in MESSAGES:  # warm: first-use caches, jieba's dictionary, the thread pool
                await turn("profile-warm-0123456789", text)
            hops.count = 0
            if profiles is not None:
                profiles.start()
            started = time.perf_counter()
            for n in range(rounds):
                for text in MESSAGES:
                    await turn(f"profile-turns-{n // 2:06d}", text)
            elapsed = time.perf_counter() - started
            if profiles is not None:
                profiles.main.disable()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    parser.add_argument("--no-profile", action="store_true", help="time only (the profiler slows every call)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="profile-") as tmp, _fake_rasa() as rasa_url:
        os.environ.update(_prepare(Path(tmp), rasa_url))
        profiles = None if args.no_profile else ThreadProfiles()
        if profiles is not None:
            profiles.watch_threads()
        hops = HopCounter()
        hops.install()
        elapsed = asyncio.run(_turns(args.rounds, profiles, hops))
    turns = args.rounds * len(MESSAGES)
    note = " (under the profiler)" if profiles is not None else ""
    print(
        f"{turns} turns in {elapsed:.2f} s: {elapsed / turns * 1000:.2f} ms of API time per turn{note}; "
        f"{hops.count / turns:.1f} thread-pool entries per turn"
    )
    if profiles is not None:
        out = io.StringIO()
        stats = profiles.stop()  # every thread's calls, the workers' included
        stats.stream = out  # type: ignore[attr-defined]
        without_waiting(stats).strip_dirs().sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
