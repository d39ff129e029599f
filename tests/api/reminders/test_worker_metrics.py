"""The worker counts each job run and failure (its /metrics, WORKER_METRICS_PORT, serves them)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from api.reminders.worker import JOBS_FAILED, JOBS_RUN, WORKER_REGISTRY, WorkerSettings, counted


def _value(name: str, job: str) -> float:
    return WORKER_REGISTRY.get_sample_value(name, {"job": job}) or 0.0


def test_runs_and_failures_are_counted() -> None:
    async def fine_job(ctx: dict[str, Any]) -> dict[str, object]:
        return {"ok": True}

    async def broken_job(ctx: dict[str, Any]) -> dict[str, object]:
        raise RuntimeError("boom")

    assert asyncio.run(counted(fine_job)({})) == {"ok": True}
    with pytest.raises(RuntimeError):
        asyncio.run(counted(broken_job)({}))
    assert _value("worker_jobs_total", "fine_job") == 1 and _value("worker_jobs_failed_total", "fine_job") == 0
    assert _value("worker_jobs_total", "broken_job") == 1 and _value("worker_jobs_failed_total", "broken_job") == 1
    assert JOBS_RUN and JOBS_FAILED


def test_wrapping_keeps_the_job_names() -> None:
    names = {c.name for c in WorkerSettings.cron_jobs} | {f.name for f in WorkerSettings.functions}
    assert "cron:daily_reminders" in names and "monthly_reminders" in names
