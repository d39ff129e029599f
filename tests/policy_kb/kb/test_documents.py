"""The notices are cut into clauses with the labels citations use."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_kb.kb import DocumentSet, SourceError
from policy_kb.kb.documents import Document, split_clauses


@pytest.fixture(scope="module")
def documents() -> DocumentSet:
    return DocumentSet()


def _labels(documents: DocumentSet, key: str) -> list[str]:
    return [c.label for c in documents.clauses if c.document.key == key]


def test_national_notice_has_its_eight_sections(documents: DocumentSet) -> None:
    assert _labels(documents, "n60") == ["一", "二", "三", "四", "五", "六", "七", "八"]


def test_sub_clauses_are_labelled_like_citations(documents: DocumentSet) -> None:
    assert {"一（一）", "一（二）", "一（三）", "一（四）", "一（五）", "三（四）"} <= set(_labels(documents, "cq112"))
    # Shandong numbers sub-clauses on across sections.
    assert {"二（四）", "三（五）", "三（六）", "五（九）"} <= set(_labels(documents, "sd10"))
    # Inner Mongolia prints some sections as "4、": read as 四.
    assert _labels(documents, "nm") == ["一", "二", "三", "四", "五", "六", "七", "八"]


def test_a_paragraph_after_a_list_belongs_to_the_section(documents: DocumentSet) -> None:
    clauses = {c.label: c for c in documents.clauses if c.document.key == "tj"}
    assert "20个工作日内告知" in clauses["二"].text
    assert "20个工作日" not in clauses["二（七）"].text
    assert clauses["二（三）"].text == "死亡的。"
    assert clauses["二（三）"].section.startswith("二、关于待遇停发")


def test_hard_wrapped_lines_stay_in_their_clause(documents: DocumentSet) -> None:
    clauses = {c.label: c for c in documents.clauses if c.document.key == "cq112"}
    assert "其亲属应当自相关情形发生之日起" in clauses["一（五）"].text
    assert "领金地失业保险经办机构应根据相关材料重新审核认定" in clauses["一（一）"].text


def test_liaoning_and_national_parts_of_one_file_are_kept_apart(documents: DocumentSet) -> None:
    assert documents.contains_quote("辽人社函〔2025〕111号", "资金一次性划拨至本人社会保障卡中")
    assert not documents.contains_quote("人社厅发〔2024〕60号", "资金一次性划拨至本人社会保障卡中")
    assert documents.contains_quote("人社厅发〔2024〕60号", "自收到申请之日起10个工作日内需审核完毕")


def test_quotes_ignore_hard_wraps_but_nothing_else(documents: DocumentSet) -> None:
    # In the source: "…享受失业保险待遇的，待遇享受人员或者\n\n其亲属应当…"
    assert documents.contains_quote("渝人社办〔2025〕112号", "待遇享受人员或者其亲属应当")
    assert not documents.contains_quote("渝人社办〔2025〕112号", "待遇享受人员或其亲属应当")


def test_missing_source_or_marker_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "documents.yaml").write_text(
        "- {key: x, name: X, short: X, region: CN, source: missing.txt}\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match="not found"):
        DocumentSet(tmp_path, tmp_path / "documents.yaml")
    (tmp_path / "a.txt").write_text("正文", encoding="utf-8")
    (tmp_path / "documents.yaml").write_text(
        "- {key: x, name: X, short: X, region: CN, source: a.txt, start: 不存在}\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match="start marker"):
        DocumentSet(tmp_path, tmp_path / "documents.yaml")


def test_split_clauses_on_a_small_text() -> None:
    doc = Document(key="t", name="T", short="T", region="CN", source="t.txt", clauses=True)
    body = "导语。\n一、总则\n（一）甲条。\n（二）乙条，\n续行。\n补充段落。\n二、其他事项，\n续写。\n"
    clauses = {c.label: c.text for c in split_clauses(doc, body)}
    assert clauses == {
        "一（一）": "甲条。",
        "一（二）": "乙条，续行。",
        "一": "总则补充段落。",
        "二": "其他事项，续写。",
    }
