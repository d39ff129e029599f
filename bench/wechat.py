"""Throughput of the WeChat endpoint: messages per second and latency percentiles.

    .venv/bin/python -m bench.wechat                    # starts a fake Rasa and uvicorn on :8106
    .venv/bin/python -m bench.wechat --redis redis://127.0.0.1:6379/0 --aes
    .venv/bin/python -m bench.wechat --url http://127.0.0.1:8000 --seconds 20   # a server already running

Each request is a signed WeChat text message with a new MsgId from one of
--senders OpenIDs, so every one goes the whole way: signature, de-duplication,
contact record, rate limit, the dialogue engine (a fake Rasa answering at once)
and the passive XML reply. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from wechatpy.crypto import WeChatCrypto

from api.channels.wechat.settings import DEV_WECHAT_AES_KEY, DEV_WECHAT_TOKEN
from devtools.stack import api_server

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
APP_ID = "wxdev00000000000000"
TEXT = "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[重庆失业金审核要几天？]]></Content><MsgId>{msg_id}</MsgId></xml>"  # noqa: E501


def signed(openid: str, *, aes: bool, crypto: WeChatCrypto) -> tuple[dict[str, str], str]:
    ts, nonce = str(int(time.time())), str(random.randrange(10**9, 10**10))
    body = TEXT.format(openid=openid, ts=ts, msg_id=random.randrange(10**17, 10**18))
    query = {
        "signature": hashlib.sha1("".join(sorted([DEV_WECHAT_TOKEN, ts, nonce])).encode()).hexdigest(),
        "timestamp": ts,
        "nonce": nonce,
        "openid": openid,
    }
    if aes:
        envelope = crypto.encrypt_message(body, nonce, ts)
        signature = envelope.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
        encrypted = envelope.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
        body = f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        query.update(encrypt_type="aes", msg_signature=signature)
    return query, body


async def load(
    url: str, *, seconds: float, concurrency: int, senders: int, aes: bool, server_pid: int | None = None
) -> None:
    crypto = WeChatCrypto(DEV_WECHAT_TOKEN, DEV_WECHAT_AES_KEY, APP_ID)
    openids = [f"oBench{i:06d}{random.randrange(10**6):06d}" for i in range(senders)]
    latencies: list[float] = []
    failures: dict[str, int] = {}
    deferred: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=10, limits=limits) as client:
        # Warm-up: connections, the first access to every table.
        for _ in range(20):
            query, body = signed(random.choice(openids), aes=aes, crypto=crypto)
            await client.post("/channels/wechat", params=query, content=body)
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < stop:
                query, body = signed(random.choice(openids), aes=aes, crypto=crypto)
                started = time.perf_counter()
                try:
                    response = await client.post("/channels/wechat", params=query, content=body)
                except httpx.HTTPError as exc:
                    failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
                    continue
                elapsed = time.perf_counter() - started
                if response.status_code == 200 and response.text == "success":
                    deferred.append(elapsed)  # past the passive deadline: answered by customer service
                    latencies.append(elapsed)
                elif response.status_code == 200 and (aes or "已收到" in response.text):
                    latencies.append(elapsed)
                else:
                    key = f"http {response.status_code}: {response.text[:60]}"
                    failures[key] = failures.get(key, 0) + 1

        cpu_before = cpu_seconds(server_pid)
        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        took = time.perf_counter() - began
        cpu_used = cpu_seconds(server_pid) - cpu_before
    if not latencies:
        print(f"no successful request; failures: {failures}")
        return
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    mode = "AES" if aes else "plain"
    print(f"WeChat endpoint ({mode}, concurrency {concurrency}, {senders} senders, {took:.1f} s)")
    print(
        f"  messages: {len(latencies)} answered ({len(deferred)} of them by customer service after "
        f'"success"), {sum(failures.values())} failed {failures or ""}'
    )
    print(f"  throughput: {len(latencies) / took:.1f} messages/s")
    print(
        f"  latency ms: p50 {pct(0.50):.1f}  p90 {pct(0.90):.1f}  p99 {pct(0.99):.1f}  "
        f"max {latencies[-1] * 1000:.1f}  mean {statistics.fmean(latencies) * 1000:.1f}"
    )
    if server_pid is not None:
        per_message = cpu_used / len(latencies) * 1000
        print(f"  API process CPU: {per_message:.1f} ms per message (≈ {1000 / per_message:.0f} messages/s per core)")


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process (Linux /proc), 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running API (its RASA_URL must answer quickly); default: start one")
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--senders", type=int, default=500)
    parser.add_argument("--aes", action="store_true", help="encrypted (安全模式) messages")
    parser.add_argument("--redis", help="REDIS_URL for the started API (dedup and rate limits in Redis)")
    parser.add_argument("--database", help="DATABASE_URL for the started API (default: a new SQLite file)")
    args = parser.parse_args()
    if args.url:
        asyncio.run(
            load(args.url, seconds=args.seconds, concurrency=args.concurrency, senders=args.senders, aes=args.aes)
        )
        return
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp:
        rasa_port = args.port + 1000
        env = {
            **os.environ,
            "ENVIRONMENT": "development",
            "DATABASE_URL": args.database or f"sqlite:///{tmp}/bench.db",
            "REDIS_URL": args.redis or "",
            "RASA_URL": f"http://127.0.0.1:{rasa_port}",
            # The gateway asks the action server's /health before each turn: the fake answers that too.
            "ACTION_SERVER_URL": f"http://127.0.0.1:{rasa_port}",
            "CHANNEL_RATE_PER_MINUTE": "1000000",
            "CHANNEL_RATE_PER_DAY": "100000000",
            "WECHAT_API": "record",
            # The fake dialogue engine wants the gateway's secret, as the real one does.
            "RASA_TOKEN": secrets.token_urlsafe(24),
        }
        try:
            subprocess.run([PYTHON, "-m", "api", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
            processes.append(subprocess.Popen([PYTHON, "-m", "devtools.fake_rasa", str(rasa_port)], cwd=ROOT, env=env))
            wait_for(f"http://127.0.0.1:{rasa_port}/health")
            with api_server(env, port=args.port, timeout=30) as (url, api):
                backend = "Redis" if args.redis else "database"
                print(f"uvicorn (1 worker) on {url}, {env['DATABASE_URL'].split(':')[0]}, dedup in {backend}")
                options = {"seconds": args.seconds, "concurrency": args.concurrency, "senders": args.senders}
                asyncio.run(load(url, aes=args.aes, server_pid=api.pid, **options))
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=10)


if __name__ == "__main__":
    main()
