"""The job through arq on a real Redis: enqueue, then a burst worker runs it."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
import redis
from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import create_worker
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from api.reminders.worker import WorkerSettings
from tests.api.reminders.helpers import make, reminders
from tests.conftest import make_settings


@pytest.fixture
def queue(redis_url: str, redis_prefix: str) -> Iterator[str]:
    name = f"{redis_prefix}arq:reminders"
    yield name
    redis.Redis.from_url(redis_url).delete(name)


def test_enqueued_job_runs_in_a_burst_worker(redis_url: str, queue: str, db_url: str, engine: Engine) -> None:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    claim_id = make(factory, "120000", "2026-01", 12, (("2026-01", date(2026, 1, 10)),))
    settings = make_settings(db_url, redis_url=redis_url)
    connection = RedisSettings.from_dsn(redis_url)

    async def scenario() -> object:
        pool = await create_pool(connection, default_queue_name=queue)
        job = await pool.enqueue_job("monthly_reminders", "2026-07", "2026-07-20", None)
        assert job is not None
        worker = create_worker(
            WorkerSettings,
            redis_settings=connection,
            queue_name=queue,
            burst=True,
            poll_delay=0.05,
            handle_signals=False,
            cron_jobs=[],
            ctx={"settings": settings},
        )
        try:
            await worker.main()
            return await job.result(timeout=30)
        finally:
            with warnings.catch_warnings():
                # arq 0.28 closes its pool with redis-py's deprecated close(); harmless.
                warnings.filterwarnings("ignore", "Call to deprecated close", DeprecationWarning)
                await worker.close()
            await pool.aclose()

    result = asyncio.run(scenario())
    assert isinstance(result, dict) and result["month"] == "2026-07" and result["due"] >= 1
    sent = reminders(factory, [claim_id], "2026-07")
    assert "2026年7月" in sent[claim_id] and "7月25日前" in sent[claim_id]


def test_daily_cron_is_beijing_time() -> None:
    (job,) = [c for c in WorkerSettings.cron_jobs if c.name == "cron:daily_reminders"]
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=WorkerSettings.timezone)
    assert job.hour == {9} and summer.utcoffset() == timedelta(hours=8)


def test_scheduled_jobs_run_through_arq(redis_url: str, queue: str, db_url: str, engine: Engine) -> None:
    settings = make_settings(db_url, redis_url=redis_url)
    connection = RedisSettings.from_dsn(redis_url)
    names = ("tickets_overdue", "tickets_remind", "sms_resend", "purge_expired")

    async def scenario() -> list[object]:
        pool = await create_pool(connection, default_queue_name=queue)
        jobs = [await pool.enqueue_job(name) for name in names]
        worker = create_worker(
            WorkerSettings,
            redis_settings=connection,
            queue_name=queue,
            burst=True,
            poll_delay=0.05,
            handle_signals=False,
            cron_jobs=[],
            ctx={"settings": settings},
        )
        try:
            await worker.main()
            return [await job.result(timeout=30) for job in jobs if job is not None]
        finally:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Call to deprecated close", DeprecationWarning)
                await worker.close()
            await pool.aclose()

    results = asyncio.run(scenario())
    assert [r["job"] for r in results if isinstance(r, dict)] == list(names)
    assert all(isinstance(r, dict) and r["skipped"] is False for r in results)


def test_every_scheduled_job_has_a_cron() -> None:
    crons = {job.name for job in WorkerSettings.cron_jobs}
    assert crons == {
        "cron:daily_reminders",
        "cron:tickets_overdue",
        "cron:tickets_remind",
        "cron:sms_resend",
        "cron:purge_expired",
    }
