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
