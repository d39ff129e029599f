"""Outbound delivery: messages per second through the dispatcher, and how late a missed WeChat
passive reply arrives as a customer-service (客服) message.

    .venv/bin/python -m bench.outbound [--messages 2000] [--conversations 50] [--rounds 2] [--json]

1. Throughput. N WeChat customer-service messages and N SMS (Aliyun) are queued as outbound
   rows and delivered by the API's own OutboundDispatcher, built by the app's lifespan as in
   production (WECHAT_API=live, SMS_PROVIDER=aliyun), to the local stand-ins of the WeChat API
   and of Aliyun SMS that the tests use (tests/fakes). Two ways in: a backlog drained by the
   sweep (one deliverer: rows another process queued, e.g. the worker's, or left after a
   restart), and one row per committed transaction, each woken at its commit (the path of late
   answers and staff replies). Beside each, in the same run: the same client sending straight
   to the stand-in, with no database (the ceiling the delivery path is held against).
2. Missed passive reply. The API (uvicorn, started like the e2e tests' stack) with WECHAT_API=live
   against the WeChat stand-in, and devtools/fake_rasa.py answering after --delay seconds, past
   WeChat's 5 s window: each signed message gets "success" once its pending reply is written, and
   the answer follows by customer service. Measured: from the message's POST, and from the
   "success", to the customer-service message reaching the stand-in; at --conversations
   concurrent conversations and, as the reference, at one.

Database: PostgreSQL (a schema of its own, dropped after) when BENCH_POSTGRES_URL or
TEST_POSTGRES_URL is set, else a SQLite file. Figures only: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import func, select, text
from wechatpy.crypto import WeChatCrypto

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.channels.models import OutboundMessage  # noqa: E402
from api.channels.outbound import MAX_IN_FLIGHT, queue_message, record_inbound, take_pending  # noqa: E402
from api.channels.wechat.settings import DEV_WECHAT_AES_KEY, DEV_WECHAT_TOKEN  # noqa: E402
from api.db import make_engine  # noqa: E402
from api.main import create_app  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from api.notify.templates import TEMPLATES  # noqa: E402
from api.settings import Settings  # noqa: E402
from bench.wechat import APP_ID, signed, wait_for  # noqa: E402
from devtools.fake_rasa import FakeRasa  # noqa: E402
from devtools.stack import Stack  # noqa: E402
from tests.fakes import sms_standins, wechat_standin  # noqa: E402

ANSWER = "您好，您的失业保险金申领已受理，审核结果将在7个工作日内通知您。如有疑问请拨打12333。"
# anyio's default thread limit: the dispatcher's database and SMS work runs in that many threads.
THREADS = 40


# --- the database -----------------------------------------------------------------------------


@contextmanager
def database(workdir: Path) -> Iterator[str]:
    """A migrated, empty database: a fresh PostgreSQL schema, or a SQLite file."""
    base = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")
    if not base:
        url = f"sqlite:///{workdir / 'outbound.db'}"
        upgrade(url=url)
        yield url
        return
    base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"bench_outbound_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    try:
        upgrade(url=url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def backend(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


# --- 1. throughput ------------------------------------------------------------------------------


@dataclass
class Throughput:
    channel: str
    messages: int
    sweep_per_s: float = 0.0
    wake_per_s: float = 0.0
    direct_per_s: float = 0.0  # the same client straight to the stand-in, one at a time
    direct_concurrent_per_s: float = 0.0  # …and MAX_IN_FLIGHT at a time, as the dispatcher may
    not_sent: int = 0  # rows the dispatcher did not mark sent (should be 0)


def app_settings(db_url: str, wx: wechat_standin.WeChatStandIn, sms: sms_standins.StandIn) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        environment="test",
        database_url=db_url,
        redis_url=None,
        rasa_url="http://127.0.0.1:9",
        action_server_url=None,
        integration_tokens=["dev-token"],
        wechat_api="live",
        wechat_api_base=wx.base_url,
        wechat_app_id=wx.app_id,
        wechat_app_secret=wx.secret,
        sms_provider="aliyun",
        aliyun_access_key_id=sms.key_id,
        aliyun_access_key_secret=sms.secret,
        aliyun_sms_endpoint=sms.endpoint,
        sms_provider_protocol="http",
        sms_template_ids={code: f"SMS_{4650000 + i}" for i, code in enumerate(TEMPLATES)},
        outbound_sweep_seconds=0,  # the bench drives the sweep itself
        log_level="WARNING",  # one line per message sent would drown the figures
    )


class Senders:
    """Fresh recipients: one WeChat user or one mobile per message (SMS limits are per mobile)."""

    def __init__(self) -> None:
        self._next = 0

    def take(self, channel: str, n: int) -> list[str]:
        start, self._next = self._next, self._next + n
        if channel == "wechat":
            return [f"wx:oBenchOut{i:012d}" for i in range(start, start + n)]
        return [f"sms:139{i:08d}" for i in range(start, start + n)]


async def throughput(db_url: str, messages: int) -> list[Throughput]:
    with wechat_standin.running() as wx, sms_standins.running("aliyun") as sms:
        app = create_app(app_settings(db_url, wx, sms))
        async with app.router.lifespan_context(app):
            runtime = app.state.channels
            dispatcher = runtime.dispatcher
            sessions = app.state.sessionmaker
            senders = Senders()
            pool = ThreadPoolExecutor(THREADS)

            def queue(recipients: list[str], wake: bool) -> None:
                """Queue one message per recipient in one transaction; wake=False leaves it to the sweep."""
                with sessions() as session:
                    for sender in recipients:
                        if sender.startswith("wx:"):
                            record_inbound(session, sender=sender)  # a user message opened the 48 h window
                        queue_message(session, sender=sender, text=ANSWER)
                    if not wake:
                        take_pending(session)
                    session.commit()

            def unsent(recipients: list[str]) -> int:
                with sessions() as session:
                    sent = session.scalar(
                        select(func.count())
                        .select_from(OutboundMessage)
                        .where(OutboundMessage.sender.in_(recipients), OutboundMessage.status == "sent")
                    )
                return len(recipients) - int(sent or 0)

            loop = asyncio.get_running_loop()

            async def in_threads(recipients: list[str], work: Callable[[str], object]) -> None:
                """Each recipient's work in the pool, THREADS transactions at a time."""
                await asyncio.gather(*(loop.run_in_executor(pool, work, sender) for sender in recipients))

            # Warm-up: the access token, the SMS client, connections, the first access to each table.
            for channel in ("wechat", "sms"):
                await loop.run_in_executor(pool, queue, senders.take(channel, 20), False)
                while await dispatcher.sweep():
                    pass

            results = []
            for channel in ("wechat", "sms"):
                figure = Throughput(channel=channel, messages=messages)
                # Backlog drained by the sweep.
                backlog = senders.take(channel, messages)
                await loop.run_in_executor(pool, queue, backlog, False)
                started = time.perf_counter()
                while await dispatcher.sweep():
                    pass
                figure.sweep_per_s = messages / (time.perf_counter() - started)
                figure.not_sent += unsent(backlog)
                # One row per transaction, delivered at its commit.
                woken = senders.take(channel, messages)
                started = time.perf_counter()
                await in_threads(woken, lambda sender: queue([sender], True))
                # Each commit's wake was queued on this loop before its thread returned; let them all
                # start, then wait for the deliveries they spawned.
                await asyncio.sleep(0)
                while tasks := dispatcher.tasks:
                    await asyncio.gather(*tasks, return_exceptions=True)
                figure.wake_per_s = messages / (time.perf_counter() - started)
                figure.not_sent += unsent(woken)
                # The reference: the same client to the same stand-in, no database.
                figure.direct_per_s, figure.direct_concurrent_per_s = await direct(
                    channel, app, senders.take(channel, messages), pool
                )
                results.append(figure)
            pool.shutdown()
            return results


async def direct(channel: str, app: Any, recipients: list[str], pool: ThreadPoolExecutor) -> tuple[float, float]:
    """Messages/s of the delivery client alone (WeChat CustomerService, the Aliyun provider):
    first one at a time, then MAX_IN_FLIGHT at a time (the most the dispatcher has in flight)."""
    loop = asyncio.get_running_loop()
    half = len(recipients) // 2 or 1
    if channel == "wechat":
        service = app.state.channels.dispatcher.senders["wx"].customer_service

        async def send(sender: str) -> None:
            outcome = await service.send_text(openid=sender.partition(":")[2], text=ANSWER)
            if not outcome.ok:
                raise RuntimeError(outcome.reason)
    else:
        provider = app.state.sms

        def send_sync(sender: str) -> None:
            phone = sender.partition(":")[2]
            result = provider.send(
                phone=phone, template_code="REPLY_POINTER", params={"summary": ANSWER[:20]}, text=ANSWER
            )
            if result.status != "sent":
                raise RuntimeError(result.status)

        async def send(sender: str) -> None:
            await loop.run_in_executor(pool, send_sync, sender)

    started = time.perf_counter()
    for sender in recipients[:half]:
        await send(sender)
    one_at_a_time = half / (time.perf_counter() - started)
    rest = recipients[half:] or recipients[:1]
    gate = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def gated(sender: str) -> None:
        async with gate:
            await send(sender)

    started = time.perf_counter()
    await asyncio.gather(*(gated(s) for s in rest))
    return one_at_a_time, len(rest) / (time.perf_counter() - started)


# --- 2. a missed passive reply ---------------------------------------------------------------


@dataclass
class Latency:
    conversations: int
    samples: int = 0
    ack_p50: float = 0.0  # POST → "success", s
    post_p50: float = 0.0  # POST → customer-service message at the stand-in, s
    post_p95: float = 0.0
    ack_to_arrival_p50: float = 0.0  # "success" → customer-service message, s
    ack_to_arrival_p95: float = 0.0
    problems: dict[str, int] = field(default_factory=dict)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0


async def conversations(api: str, wx: wechat_standin.WeChatStandIn, *, count: int, rounds: int, tag: str) -> Latency:
    crypto = WeChatCrypto(DEV_WECHAT_TOKEN, DEV_WECHAT_AES_KEY, APP_ID)
    figure = Latency(conversations=count)
    acks: list[float] = []
    posts: list[float] = []
    after_ack: list[float] = []

    def arrivals(openid: str) -> list[float]:
        with wx.lock:
            return [at for body, at in zip(wx.sent, wx.sent_at, strict=True) if body.get("touser") == openid]

    def problem(kind: str) -> None:
        figure.problems[kind] = figure.problems.get(kind, 0) + 1

    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=api, timeout=30, limits=limits) as client:

        async def one(i: int) -> None:
            openid = f"oBench{tag}{i:06d}"
            for r in range(rounds):
                query, body = signed(openid, aes=False, crypto=crypto)
                started = time.monotonic()
                response = await client.post("/channels/wechat", params=query, content=body)
                acked = time.monotonic()
                if response.status_code != 200 or response.text != "success":
                    # The engine answers too late for a passive reply: anything else is a problem to show.
                    problem("answered passively" if response.status_code == 200 else f"http {response.status_code}")
                    continue
                deadline = acked + 60
                while len(got := arrivals(openid)) <= r and time.monotonic() < deadline:
                    await asyncio.sleep(0.01)
                if len(got) <= r:
                    problem("no customer-service message within 60 s")
                    continue
                acks.append(acked - started)
                posts.append(got[r] - started)
                after_ack.append(got[r] - acked)

        await asyncio.gather(*(one(i) for i in range(count)))
    figure.samples = len(posts)
    figure.ack_p50 = statistics.median(acks) if acks else 0.0
    figure.post_p50, figure.post_p95 = _pct(posts, 0.50), _pct(posts, 0.95)
    figure.ack_to_arrival_p50, figure.ack_to_arrival_p95 = _pct(after_ack, 0.50), _pct(after_ack, 0.95)
    return figure


def missed_passive(
    db_url: str, workdir: Path, *, count: int, rounds: int, delay: float, passive: float
) -> tuple[Latency, Latency]:
    """(at `count` concurrent conversations, at one): the API process answers through the stand-in."""
    with wechat_standin.running() as wx:
        stack = Stack(
            workdir=workdir,
            env_overrides={
                "DATABASE_URL": db_url,
                "WECHAT_API": "live",
                "WECHAT_API_BASE": wx.base_url,
                "WECHAT_APP_ID": wx.app_id,
                "WECHAT_APP_SECRET": wx.secret,
                "WECHAT_PASSIVE_REPLY_SECONDS": str(passive),
                # Rate limits are per sender and would refuse a benchmark's repeated turns.
                "CHANNEL_RATE_PER_MINUTE": "1000000",
                "CHANNEL_RATE_PER_DAY": "100000000",
            },
        )
        with FakeRasa(delay=delay, token=stack.rasa_token) as rasa:
            # The gateway asks the action server's /health before each turn: the fake answers that too.
            stack.env_overrides.update(RASA_URL=rasa.url, ACTION_SERVER_URL=rasa.url)
            try:
                stack.start_api()
                wait_for(f"{stack.api}/healthz", seconds=60)
                # Warm-up: connections, the access token, the first access to each table.
                asyncio.run(conversations(stack.api, wx, count=2, rounds=1, tag="w"))
                loaded = asyncio.run(conversations(stack.api, wx, count=count, rounds=rounds, tag="n"))
                alone = asyncio.run(conversations(stack.api, wx, count=1, rounds=max(3, rounds), tag="a"))
            finally:
                stack.stop_all()
    return loaded, alone


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Figures:
    database: str
    messages: int
    delay: float
    passive: float
    throughput: list[Throughput]
    loaded: Latency
    alone: Latency


def measure(args: argparse.Namespace) -> Figures:
    with tempfile.TemporaryDirectory(prefix="bench-outbound-") as tmp:
        work = Path(tmp)
        with database(work) as db_url:
            print(f"==> outbound throughput, {args.messages:,} messages a channel…", file=sys.stderr, flush=True)
            rates = asyncio.run(throughput(db_url, args.messages))
        with database(work) as db_url:
            print(f"==> missed passive replies at {args.conversations} conversations…", file=sys.stderr, flush=True)
            loaded, alone = missed_passive(
                db_url,
                work,
                count=args.conversations,
                rounds=args.rounds,
                delay=args.delay,
                passive=args.passive,
            )
            return Figures(backend(db_url), args.messages, args.delay, args.passive, rates, loaded, alone)


def render(f: Figures) -> str:
    names = {"wechat": "WeChat 客服 messages", "sms": "SMS (Aliyun template)"}
    lines = [
        f"| outbound delivery, {f.messages:,} messages a row ({f.database}, stand-ins) | backlog by the sweep "
        f"| one per commit, woken | same client, no database: one at a time / {MAX_IN_FLIGHT} at a time |",
        "|---|---|---|---|",
    ]
    for t in f.throughput:
        lost = f" ({t.not_sent} not sent)" if t.not_sent else ""
        lines.append(
            f"| {names[t.channel]}{lost} | {t.sweep_per_s:,.0f} /s | {t.wake_per_s:,.0f} /s "
            f"| {t.direct_per_s:,.0f} /s / {t.direct_concurrent_per_s:,.0f} /s |"
        )
    lines += [
        "",
        f"| missed passive reply (engine answers after {f.delay:g} s, passive deadline {f.passive:g} s) "
        '| samples | POST → "success" (p50) | POST → 客服 message: p50 / p95 | "success" → 客服 message: p50 / p95 |',
        "|---|---|---|---|---|",
    ]
    floor = f"floor {f.delay:g} s"
    for name, lat in ((f"{f.loaded.conversations} concurrent conversations", f.loaded), ("1 conversation", f.alone)):
        problems = f" ({', '.join(f'{n} {k}' for k, n in lat.problems.items())})" if lat.problems else ""
        lines.append(
            f"| {name}{problems} | {lat.samples} | {lat.ack_p50:.2f} s "
            f"| {lat.post_p50:.2f} s / {lat.post_p95:.2f} s ({floor}) "
            f"| {lat.ack_to_arrival_p50:.2f} s / {lat.ack_to_arrival_p95:.2f} s |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=int(os.environ.get("BENCH_OUTBOUND_MESSAGES", "2000")))
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="messages per conversation, one after another")
    parser.add_argument("--delay", type=float, default=6.0, help="seconds the fake engine takes (past 5 s)")
    parser.add_argument("--passive", type=float, default=4.0, help="WECHAT_PASSIVE_REPLY_SECONDS of the API")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line (bench/run_all.py)")
    args = parser.parse_args(argv)
    figures = measure(args)
    print(json.dumps(asdict(figures), ensure_ascii=False) if args.json else render(figures))
    return 0


def from_json(line: str) -> Figures:
    data = json.loads(line)
    return Figures(
        database=data["database"],
        messages=data["messages"],
        delay=data["delay"],
        passive=data["passive"],
        throughput=[Throughput(**t) for t in data["throughput"]],
        loaded=Latency(**data["loaded"]),
        alone=Latency(**data["alone"]),
    )


if __name__ == "__main__":
    sys.exit(main())
