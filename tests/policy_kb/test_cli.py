"""python -m policy_kb evaluate case.json prints the decision in Chinese."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from policy_kb.cli import main

CASE = {
    "region": "500000",
    "application_date": "2026-03-02",
    "person": {"birth_date": "1970-05-10", "retirement_category": "male"},
    "contribution": {"total_months": 40, "last_employer_months": 30, "last_employer_continuous_months": 30},
    "separation": {"date": "2026-02-10", "recorded_reason": "involuntary", "claims_involuntary": False},
    "registered_unemployed": True,
}


def test_evaluate_prints_chinese_explanation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE, ensure_ascii=False), encoding="utf-8")
    assert main(["evaluate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "结论：符合领取失业保险金的条件" in out
    assert "7个工作日" in out and "渝人社办〔2025〕112号" in out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE), encoding="utf-8")
    assert main(["evaluate", "--json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["benefit_months"] == 12


def test_bad_case_exits_2_naming_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps({**CASE, "region": "不存在的地方"}), encoding="utf-8")
    assert main(["evaluate", str(path)]) == 2
    assert "region" in capsys.readouterr().err


def test_module_entry_point(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "policy_kb", "evaluate", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "重庆市" in done.stdout
