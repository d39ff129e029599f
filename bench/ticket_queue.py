"""Benchmark of the staff queue with 10,000 tickets (a script, not a test).

    .venv/bin/python -m bench.ticket_queue [--tickets 10000] [--runs 30] [--database-url URL]

Fills a fresh database (SQLite in a temporary folder unless --database-url names an
empty PostgreSQL schema) with tickets in every status and deadlines spread over
past and future, logs in a demo operator and times, in process:
- GET /console/tickets            the queue page (first 50, nearest deadline first), rendered
- GET /console/tickets?overdue=1  the overdue filter
- GET /v1/tickets?limit=50        the JSON queue
Prints median and p95 per request; the aim is under 300 ms for the page.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from api.db import make_engine, make_sessionmaker  # noqa: E402
from api.main import create_app  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from api.settings import Settings  # noqa: E402
from api.staff.seed import DEMO_ACCOUNTS, DEMO_UNIT, seed_staff  # noqa: E402
from api.tickets.enums import Category, TicketStatus, Urgency  # noqa: E402
from api.tickets.models import Ticket, TicketEvent  # noqa: E402

TARGET_MS = 300.0
SUMMARIES = [
    "单位填报离职原因有误",
    "网上申领提示信息不符",
    "咨询补发办理地点",
    "建议延长办理时间",
    "求助：无法到窗口办理",
]


def _rows(count: int, now: datetime) -> list[dict[str, object]]:
    rng = random.Random(12333)
    statuses = list(TicketStatus)
    rows = []
    for i in range(1, count + 1):
        created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 30))
        status = rng.choice(statuses)
        accept_by, respond_by = created + timedelta(hours=2), created + timedelta(days=rng.randint(7, 21))
        resolve_by = respond_by + timedelta(days=3)
        due = {"received": accept_by, "resolved": resolve_by, "closed": None}.get(status.value, respond_by)
        rows.append(
            {
                "id": i,
                "number": f"GD{created:%Y%m%d}{i:06d}",
                "category": rng.choice(list(Category)).value,
                "urgency": Urgency.urgent.value if i % 17 == 0 else Urgency.normal.value,
                "channel": "phone",
                "region_code": "120000",
                "region_name": "天津市",
                "claim_id": None,
                "sender": None,
                "summary": f"{rng.choice(SUMMARIES)}（{i}）",
                "transcript": [],
                "status": status.value,
                "owner_unit": DEMO_UNIT,
                "assignee_staff_id": None,
                "assignee_name": None,
                "created_by": "bench",
                "created_at": created,
                "accept_by": accept_by,
                "respond_by": respond_by,
                "resolve_by": resolve_by,
                "deadlines_provisional": False,
                "due_at": due,
                "first_accepted_at": None,
                "responded_at": None,
                "closed_at": None,
                "answer": None,
                "overdue": False,
                "overdue_marked_for": None,
                "reminded_for": None,
                "extension_requested_by": None,
                "extension_working_days": None,
                "extension_reason": None,
                "extensions_granted": 0,
                "reopened_count": 0,
                "satisfaction": None,
                "solved": None,
            }
        )
    return rows


def _time(client: TestClient, path: str, runs: int) -> list[float]:
    first = client.get(path)  # warm-up (template compilation, caches)
    if path.startswith("/console/tickets"):
        assert first.text.count("data-number=") == 50, "the page should list a full first page"
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text[:300]
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ticket_queue")
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url=url)
        settings = Settings(
            _env_file=None,
            environment="test",
            database_url=url,
            redis_url=None,  # type: ignore[call-arg]
            rasa_url="http://127.0.0.1:9",
            outbound_sweep_seconds=0,
        )
        engine = make_engine(url)
        now = datetime.now(UTC)
        started = time.perf_counter()
        with make_sessionmaker(engine)() as session, session.begin():
            seed_staff(session, settings)
            rows = _rows(args.tickets, now)
            session.execute(insert(Ticket), rows)
            session.execute(
                insert(TicketEvent),
                [
                    {
                        "ticket_id": r["id"],
                        "at": r["created_at"],
                        "actor": "bench",
                        "action": "create",
                        "from_status": None,
                        "to_status": "received",
                        "note": None,
                        "data": None,
                    }
                    for r in rows
                ],
            )
        print(f"{args.tickets} 件工单写入用时 {time.perf_counter() - started:.1f} 秒（{engine.dialect.name}）")
        engine.dispose()
        username, password = DEMO_ACCOUNTS[0][0], DEMO_ACCOUNTS[0][3]
        with TestClient(create_app(settings)) as client:
            r = client.post("/v1/staff/login", json={"username": username, "password": password})
            assert r.status_code == 200
            client.headers["X-CSRF-Token"] = r.headers["X-CSRF-Token"]
            results = {
                "队列页面 GET /console/tickets": _time(client, "/console/tickets", args.runs),
                "超期筛选 GET /console/tickets?overdue=1": _time(client, "/console/tickets?overdue=1", args.runs),
                "JSON 队列 GET /v1/tickets?limit=50": _time(client, "/v1/tickets?limit=50", args.runs),
            }
    worst = 0.0
    for name, timings in results.items():
        timings.sort()
        median, p95 = statistics.median(timings), timings[int(len(timings) * 0.95) - 1]
        print(f"{name}: 中位数 {median:.1f} ms，p95 {p95:.1f} ms（{len(timings)} 次）")
        if name.startswith("队列页面"):
            worst = p95
    verdict = "达标" if worst < TARGET_MS else "未达标"
    print(f"目标：{args.tickets} 件工单时队列页面 < {TARGET_MS:.0f} ms —— p95 {worst:.1f} ms，{verdict}")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
