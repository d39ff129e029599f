"""Latency of one conversation turn through the gateway (POST /v1/chat), p50 and p95.

A turn is the whole path: gateway → Rasa (NLU + rules) → action server → API
services (knowledge base, eligibility, identity) → reply. Needs the product
running (`make run`). Uses only the standard library.

    python3 bench/chat_turn.py [--base http://127.0.0.1:8000] [--turns 200] [--concurrency 1]

Turns of one conversation are sent one after another; different conversations run
in parallel with --concurrency (Rasa serialises the messages of one conversation).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import statistics
import sys
import time
import urllib.request
import uuid

# What a turn typically is: policy questions (KB, sometimes eligibility), small talk,
# the start of a check-in (identity lookup), a region given after a question.
MESSAGES = [
    "失业金怎么申请",
    "重庆失业金审核要几天",
    "交了6年能领多久",
    "领失业金期间医保怎么办",
    "你好",
    "我要签到",
    "多领的失业金怎么退",
    "天津这个月忘了按月申领怎么办",
    "谢谢",
    "主动辞职能领失业金吗",
]


def turn(base: str, sender: str, text: str) -> float:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(f"{base}/v1/chat", data=body, headers={"content-type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    elapsed = time.perf_counter() - started
    if not answer.get("messages"):
        raise RuntimeError(f"empty reply to {text!r}")
    return elapsed


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()

    run = uuid.uuid4().hex[:6]
    # Conversations of 5 turns, each sent in order (a person waits for the reply);
    # `--concurrency` conversations at a time.
    conversations = [
        [(f"bench-{run}-{c}", MESSAGES[(c * 5 + k) % len(MESSAGES)]) for k in range(5)]
        for c in range(max(1, args.turns // 5))
    ]

    def converse(turns: list[tuple[str, str]]) -> list[float]:
        return [turn(args.base, sender, text) for sender, text in turns]

    turn(args.base, f"bench-{run}-warmup", "你好")
    started = time.perf_counter()
    with cf.ThreadPoolExecutor(args.concurrency) as pool:
        latencies = [v for conversation in pool.map(converse, conversations) for v in conversation]
    wall = time.perf_counter() - started
    ms = [v * 1000 for v in latencies]
    print(f"turns: {len(ms)}, concurrency {args.concurrency}, {len(ms) / wall:.1f} turns/s")
    print(
        f"turn latency through the gateway: p50 {percentile(ms, 50):.0f} ms, p95 {percentile(ms, 95):.0f} ms, "
        f"mean {statistics.fmean(ms):.0f} ms, max {max(ms):.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
