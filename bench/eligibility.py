"""Benchmark of the eligibility service (a script, not a test).

    .venv/bin/python -m bench.eligibility [--cases 10000] [--http-requests 5000] [--clients 50]

1. In-process: evaluations per second over `--cases` varied, pre-validated requests on one
   core (also the rate including request validation and JSON serialisation).
2. HTTP: starts uvicorn (devtools.stack.api_server; one worker, SQLite in a temporary folder) on a free loopback port,
   then `--clients` concurrent keep-alive connections POST /v1/eligibility/evaluate;
   prints throughput and p50/p99 latency. Traffic goes only to 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.stack import api_server, free_port  # noqa: E402
from policy_kb import EligibilityRequest, default_rule_base, evaluate, request_field_errors  # noqa: E402

REGIONS = ["120000", "210000", "500000", "370000", "371500", "150000", "CN", "重庆", "沈阳", "聊城", "广东", "呼和浩特"]
EVENTS = ["reemployed", "emigrated", "enlisted", "legal_representative", "deceased"]
BENEFITS = [
    "basic_pension",
    "illness_disability_allowance",
    "injury_allowance_grade_1_4",
    "flexible_employment_subsidy",
]


def make_case(rng: random.Random) -> dict[str, Any]:
    app = date(2024, 6, 1) + timedelta(days=rng.randrange(0, 365 * 5))
    total = rng.randrange(0, 200)
    last = rng.randrange(0, total + 1)
    birth = date(1962, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
    body: dict[str, Any] = {
        "region": rng.choice(REGIONS),
        "application_date": app.isoformat(),
        "person": {
            "birth_date": birth.isoformat(),
            "retirement_category": rng.choice(["male", "female_cadre", "female_worker"]),
        },
        "contribution": {
            "total_months": total,
            "last_employer_months": last,
            "last_employer_continuous_months": rng.randrange(0, last + 1),
        },
        "separation": {
            "date": (app - timedelta(days=rng.randrange(0, 120))).isoformat(),
            "recorded_reason": rng.choice(["involuntary"] * 4 + ["voluntary"]),
            "claims_involuntary": rng.random() < 0.3,
        },
        "registered_unemployed": rng.random() < 0.85,
        "receiving": [rng.choice(BENEFITS)] if rng.random() < 0.1 else [],
        "events": [{"type": rng.choice(EVENTS), "date": (app + timedelta(days=rng.randrange(0, 300))).isoformat()}]
        if rng.random() < 0.1
        else [],
        "employer": {
            "insured_months": rng.randrange(0, 200),
            "claimants_total": 60,
            "claimants_this_month": rng.randrange(0, 20),
            "insured_headcount": rng.randrange(1, 300),
        },
        "previous_unused_months": rng.randrange(0, 6),
    }
    if rng.random() < 0.1:
        body["benefit"] = {"receiving_on": "2024-12-31", "end_date": (app + timedelta(days=200)).isoformat()}
    if birth >= app - timedelta(days=365 * 16):
        body["person"]["birth_date"] = (app - timedelta(days=365 * 30)).isoformat()
    return body


def _coherent(case: dict[str, Any]) -> bool:
    return not request_field_errors(EligibilityRequest.model_validate(case))


def bench_in_process(cases: list[dict[str, Any]]) -> None:
    rules = default_rule_base()
    requests = [EligibilityRequest.model_validate(c) for c in cases]
    for req in requests[:200]:  # warm caches the way a running service has them
        evaluate(rules, req)
    statuses: dict[str, int] = {}
    elapsed = float("inf")
    for _ in range(3):  # best of three passes: the machine is shared, the slowest pass measures the others
        statuses.clear()
        start = time.perf_counter()
        for req in requests:
            decision = evaluate(rules, req)
            statuses[decision.status] = statuses.get(decision.status, 0) + 1
        elapsed = min(elapsed, time.perf_counter() - start)
    start = time.perf_counter()
    for raw in cases:
        evaluate(rules, EligibilityRequest.model_validate(raw)).model_dump_json()
    full = time.perf_counter() - start
    print(
        f"in-process: {len(requests)} evaluations in {elapsed:.2f} s = {len(requests) / elapsed:,.0f} eval/s "
        f"(with validation + JSON: {len(cases) / full:,.0f}/s); statuses {statuses}"
    )


async def _client(port: int, bodies: list[bytes], latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for body in bodies:
            head = (
                f"POST /v1/eligibility/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer dev-token\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode()
            t0 = time.perf_counter()
            writer.write(head + body)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t0)
            if b" 200 " not in status_line:
                errors.append(status_line.decode().strip())
    finally:
        writer.close()


async def _load(port: int, bodies: list[bytes], clients: int) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    share = [bodies[i::clients] for i in range(clients)]
    start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(_client(port, s, latencies, errors) for s in share)), timeout=300)
    return latencies, errors, time.perf_counter() - start


def bench_http(cases: list[dict[str, Any]], total: int, clients: int, workers: int) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        env = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "development", "LOG_LEVEL": "WARNING"}
        subprocess.run(
            [sys.executable, "-c", f"from api.migrate import upgrade; upgrade(url={url!r})"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        with api_server(env, port=port, workers=workers, access_log=False):
            bodies = [json.dumps(c, ensure_ascii=False).encode() for c in (cases * (total // len(cases) + 1))[:total]]
            asyncio.run(_load(port, bodies[: clients * 4], clients))  # warm-up
            latencies, errors, elapsed = asyncio.run(_load(port, bodies, clients))
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(
        f"http: {len(latencies)} requests, {clients} concurrent clients, {workers} uvicorn worker(s): "
        f"{len(latencies) / elapsed:,.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, non-200: {len(errors)}"
    )
    if errors:
        print("  first errors:", errors[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--http-requests", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    rng = random.Random(20260407)
    cases = [c for c in (make_case(rng) for _ in range(args.cases * 2)) if _coherent(c)][: args.cases]
    bench_in_process(cases)
    if not args.skip_http:
        bench_http(cases, args.http_requests, args.clients, args.workers)


if __name__ == "__main__":
    main()
