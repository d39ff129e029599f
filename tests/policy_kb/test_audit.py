"""The citation audit (python -m policy_kb audit) passes on the real files and catches each defect class."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from policy_kb.audit import audit
from policy_kb.cli import main
from policy_kb.kb.loader import ENTRIES_DIR

SHANDONG = {"document": "鲁人社函〔2020〕10号", "clause": "二（四）", "quote": "不得要求失业人员转移档案"}
ENGLISH = {"document": "社会保险法", "clause": "第五十条", "quote": "paid monthly"}
TIANJIN = {"document": "天津市人社局失业保险经办通知", "clause": "（三）", "quote": "（三）死亡的。"}


def test_every_citation_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit"]) == 0
    assert "引用审核通过" in capsys.readouterr().out


def _entries_with(tmp_path: Path, edit: dict[str, object]) -> Path:
    entries = tmp_path / "entries"
    shutil.copytree(ENTRIES_DIR, entries)
    path = entries / "death_during_benefit.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw.update(edit)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return entries


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"answer": [{"text": "示例。", "citations": [SHANDONG]}]}, "another region's rule"),
        ({"variants": {"500000": [{"text": "示例。", "citations": [TIANJIN]}]}}, "another region's rule"),
        ({"answer": [{"text": "最多补{backpay.max_months@120000}个月。"}]}, "120000's figure"),
        (
            {"answer": [{"text": "示例。", "citations": [{**SHANDONG, "quote": "不得要求失业人员转移户口"}]}]},
            "not verbatim",
        ),
        ({"answer": [{"text": "示例。", "citations": [ENGLISH]}]}, "not verbatim"),
    ],
)
def test_defects_are_reported(tmp_path: Path, edit: dict[str, object], message: str) -> None:
    _, problems = audit(entries_dir=_entries_with(tmp_path, edit))
    assert any(message in p.message and p.where.startswith("death_during_benefit.yaml") for p in problems), problems
