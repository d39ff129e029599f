"""Retrieval quality on the labelled questions, and the shape of search results."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from policy_kb.kb import KnowledgeBase

from .conftest import load_questions


def _hit_rates(kb: KnowledgeBase, split: str, on: date) -> tuple[float, float, int]:
    items = [q for q in load_questions(split) if q["expected"] is not None]
    top1 = top3 = 0
    for item in items:
        assert item["q"] is not None
        ids = [hit.entry_id for hit in kb.search(item["q"], item.get("region"), 3, on=on, include_clauses=False)]
        right = {item["expected"], *item.get("also", [])}
        top1 += bool(ids[:1]) and ids[0] in right
        top3 += bool(right & set(ids))
    return top1 / len(items), top3 / len(items), len(items)


def test_labelled_set_is_large_and_split() -> None:
    tune = load_questions("tune")
    heldout = load_questions("heldout")
    positives = [q for q in tune + heldout if q["expected"] is not None]
    assert len(positives) >= 300
    assert not {q["q"] for q in tune} & {q["q"] for q in heldout}
    assert len(heldout) >= 100


def test_tuning_questions_are_not_the_answers_heldout_ones() -> None:
    """The answer figures of make eval are on data/answers_heldout: no tuning question may be one of them."""
    path = Path(__file__).resolve().parents[3] / "data" / "answers_heldout" / "questions.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    heldout = {str(item["text"]) for item in (raw["questions"] if isinstance(raw, dict) else raw)}
    assert not {str(q["q"]) for q in load_questions("tune")} & heldout


def test_heldout_hit_at_1(kb: KnowledgeBase, on: date) -> None:
    hit1, hit3, n = _hit_rates(kb, "heldout", on)
    assert n >= 100
    assert hit1 >= 0.85, f"held-out hit@1 {hit1:.3f}"
    assert hit3 >= hit1


def test_every_labelled_entry_exists(kb: KnowledgeBase) -> None:
    ids = {entry.id for entry in kb.entries}
    for split in ("tune", "heldout"):
        for item in load_questions(split):
            assert item["expected"] is None or item["expected"] in ids, item


def test_clauses_of_the_notices_are_searched_for_the_region(kb: KnowledgeBase, on: date) -> None:
    hits = kb.search("连续两个月未进行资格核验暂停发放", "500000", 5, on=on)
    clause_ids = [hit.entry_id for hit in hits if hit.kind == "clause"]
    assert "clause:cq112:一（四）" in clause_ids
    clause = next(hit for hit in hits if hit.entry_id == "clause:cq112:一（四）")
    assert clause.citations[0].document == "渝人社办〔2025〕112号" and clause.citations[0].clause == "一（四）"
    # Another region's notice is not offered: Tianjin's askers see national and Tianjin clauses only.
    for hit in kb.search("资格核验暂停发放", "120000", 10, on=on):
        assert not hit.entry_id.startswith("clause:cq112")


def test_search_limits_and_empty_queries(kb: KnowledgeBase, on: date) -> None:
    assert len(kb.search("失业金", None, 2, on=on)) == 2
    assert kb.search("", None, 5, on=on) == []
    assert kb.search("的了吗", None, 5, on=on) == []
    hits = kb.search("失业金审核几天", None, 5, on=on)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert any(h.kind == "clause" for h in hits)
