"""Benchmark of the monthly reminder run on PostgreSQL (a script, not a test).

    .venv/bin/python -m bench.reminders [--claims 1000000] [--batch-size 2000] [--keep]

1. Creates a dedicated schema ``bench_reminders_<hex>`` on BENCH_POSTGRES_URL (default:
   TEST_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/test), migrates it and
   fills it with COPY: `--claims` claimants and claims (40 % Tianjin 按月申领, 30 % Chongqing
   资格核验, 30 % regions without a monthly duty; 2 % stopped) and their check-ins (85 % of
   past months, 40 % of the benchmark month 2026-03).
2. Times ``run_reminders`` for 2026-03 as of 2026-03-20 (the real job: keyset batches,
   rule base, ledger, outbox) while a thread samples the process's resident memory,
   then runs it again (every reminder already sent: nothing goes out twice).
3. Prints claims/s, total time and peak RSS, and drops the schema (unless --keep).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402

from api.db import make_engine  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from api.notify import OutboxProvider  # noqa: E402
from api.reminders.job import ReminderReport, run_reminders  # noqa: E402
from policy_kb import default_rule_base  # noqa: E402
from policy_kb.benefits.ledger import month_index, month_text  # noqa: E402

MONTH = "2026-03"
AS_OF = date(2026, 3, 20)
REGIONS = [("120000", 0.40), ("500000", 0.30), ("210000", 0.10), ("370000", 0.08), ("150000", 0.07), ("CN", 0.05)]
WITH_DUTY = {"120000", "500000"}
ANSWERS = (
    '{"reemployed": false, "business_registered": false, "receiving_pension": false, '
    '"enlisted": false, "emigrated": false, "refused_job_offer": false}'
)


def base_url() -> str:
    url = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")
    return (url or "postgresql://postgres@127.0.0.1:5432/test").replace("postgresql+psycopg://", "postgresql://")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def peak_rss() -> Iterator[list[float]]:
    """Samples resident memory every 50 ms; yields [start, peak] (MB), filled in on exit."""
    samples = [rss_mb()]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.05):
            samples.append(rss_mb())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out = [samples[0], 0.0]
    try:
        yield out
    finally:
        stop.set()
        thread.join()
        samples.append(rss_mb())
        out[1] = max(samples)


def seed(conn: psycopg.Connection, n: int, rng: random.Random) -> int:
    """COPY n claimants, n claims and their check-ins; returns the number of check-ins."""
    now = datetime.now(UTC)
    regions = [r for r, _ in REGIONS]
    weights = [w for _, w in REGIONS]
    bench = month_index(MONTH)
    checkins = 0
    with conn.cursor() as cur:
        with cur.copy("COPY claimants (id, name, id_hash, id_masked, phone, created_at) FROM STDIN") as copy:
            for i in range(1, n + 1):
                digest = hashlib.sha256(i.to_bytes(8, "big")).hexdigest()
                copy.write_row((i, "测试", digest, "1201**********1234", f"13{i % 10**9:09d}", now))
        claim_rows = []
        with cur.copy(
            "COPY claims (id, claimant_id, region_code, region_matched_code, start_month, benefit_months, status, "
            "stop_from_month, created_at, created_by, updated_at) FROM STDIN"
        ) as copy:
            for i in range(1, n + 1):
                region = rng.choices(regions, weights)[0]
                start = bench - rng.randrange(0, 6)
                months = rng.choice((12, 12, 18, 24))
                stopped = rng.random() < 0.02
                copy.write_row(
                    (
                        i,
                        i,
                        region,
                        region,
                        month_text(start),
                        months,
                        "stopped" if stopped else "active",
                        MONTH if stopped else None,
                        now,
                        "bench",
                        now,
                    )
                )
                if region in WITH_DUTY:
                    claim_rows.append((i, start))
        with cur.copy(
            "COPY claim_checkins (claim_id, month, at, channel, answers, stop_reported, recorded_at, "
            "recorded_by) FROM STDIN"
        ) as copy:
            for claim_id, start in claim_rows:
                for m in range(start, bench + 1):
                    if rng.random() < (0.40 if m == bench else 0.85):
                        copy.write_row((claim_id, month_text(m), now, "web", ANSWERS, False, now, "bench"))
                        checkins += 1
        cur.execute("ANALYZE claimants; ANALYZE claims; ANALYZE claim_checkins")
    conn.commit()
    return checkins


def run(url: str, batch_size: int) -> tuple[ReminderReport, float, list[float]]:
    engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with peak_rss() as memory:
            started = time.perf_counter()
            report = run_reminders(
                factory=engine,
                rule_base=default_rule_base(),
                provider=OutboxProvider(),
                month=MONTH,
                as_of=AS_OF,
                batch_size=batch_size,
            )
            seconds = time.perf_counter() - started
        with engine.connect() as conn:
            outbox = conn.scalar(text("SELECT count(*) FROM sms_outbox"))
        assert outbox == report.due or report.sent == 0, (outbox, report.due)
    finally:
        engine.dispose()
    return report, seconds, memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20260320)
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    args = parser.parse_args()
    base = base_url()
    schema = f"bench_reminders_{uuid.uuid4().hex[:8]}"
    url = f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        upgrade(url=url.replace("postgresql://", "postgresql+psycopg://", 1))
        started = time.perf_counter()
        with psycopg.connect(url) as conn:
            checkins = seed(conn, args.claims, random.Random(args.seed))
        print(
            f"seeded {args.claims:,} claims and {checkins:,} check-ins in {time.perf_counter() - started:.1f} s "
            f"(schema {schema})"
        )
        first, seconds, memory = run(url, args.batch_size)
        print(first.line())
        print(
            f"first run:  {first.claims_seen:,} claims in {seconds:.1f} s = "
            f"{first.claims_seen / seconds:,.0f} claims/s; "
            f"{first.sent:,} reminders sent; batches of {args.batch_size}; "
            f"RSS {memory[0]:.0f} MB at start, peak {memory[1]:.0f} MB"
        )
        again, seconds2, memory2 = run(url, args.batch_size)
        print(
            f"second run: {again.claims_seen:,} claims in {seconds2:.1f} s = {again.claims_seen / seconds2:,.0f} "
            f"claims/s; {again.sent} sent, {again.already_sent:,} already sent; peak RSS {memory2[1]:.0f} MB"
        )
    finally:
        if not args.keep:
            with psycopg.connect(base, autocommit=True) as admin:
                admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return 0


if __name__ == "__main__":
    sys.exit(main())
