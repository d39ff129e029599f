"""`python -m api.reminders` as cron runs it: one line, exit code."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from api.reminders.__main__ import main
from tests.api.reminders.helpers import make, reminders


def test_run_sends_and_a_rerun_sends_nothing(
    db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    claim_id = make(factory, "500000", "2026-08", 6)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("REDIS_URL", "")
    assert main(["run", "--month", "2026-08", "--as-of", "2026-08-20", "--batch-size", "50"]) == 0
    first = capsys.readouterr().out
    assert first.startswith("2026-08 按月申领提醒（2026-08-20）") and "本次发送" in first
    assert list(reminders(factory, [claim_id], "2026-08")) == [claim_id]
    assert main(["run", "--as-of", "2026-08-21"]) == 0  # month defaults to the as-of month
    assert "本次发送 0 条" in capsys.readouterr().out


def test_bad_arguments_and_missing_redis(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--month", "2026-13"])
    assert exit_info.value.code == 2
    assert "月份格式应为" in capsys.readouterr().err
    monkeypatch.setenv("REDIS_URL", "")
    assert main(["enqueue", "--month", "2026-03"]) == 1
    assert "REDIS_URL" in capsys.readouterr().err


def test_health_follows_the_workers_sentinel(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's liveness probe: exit 0 only while a worker keeps arq's health-check key fresh."""
    import redis

    from api.reminders.worker import QUEUE, WorkerSettings

    key = QUEUE + ":health-check"
    client = redis.Redis.from_url(redis_url)
    monkeypatch.setenv("REDIS_URL", redis_url)
    client.delete(key)
    try:
        assert main(["health"]) == 1
        # What a live worker writes (arq Worker.record_health), expiring after the interval + 1 s.
        client.set(
            key,
            b"Nov-01 09:00:00 j_complete=0 j_failed=0 j_retried=0 j_ongoing=0 queued=0",
            px=(WorkerSettings.health_check_interval + 1) * 1000,
        )
        assert main(["health"]) == 0
    finally:
        client.delete(key)
    assert WorkerSettings.health_check_interval <= 60  # a hung worker is noticed within minutes, not an hour
    monkeypatch.setenv("REDIS_URL", "")
    assert main(["health"]) == 1
