"""The knowledge base against the topic inventory (data/topics.yaml, issue 13 item 1)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from policy_kb.kb import KnowledgeBase
from policy_kb.kb.text import TextProcessor
from policy_kb.regions import resolve_region

ROOT = Path(__file__).resolve().parents[3]
TOPICS = yaml.safe_load((ROOT / "data" / "topics.yaml").read_text(encoding="utf-8"))["topics"]
# Where a pointer sends the person: an office, a hotline, a department.
WHERE = ("经办机构", "12333", "部门", "管理中心", "仲裁委员会", "法律援助机构", "服务网点", "民政部门", "分中心")
REGIONS = [None, "120000", "210000", "500000", "370000", "371500", "150000", "广东"]


def test_every_entry_is_a_topic_of_the_inventory(kb: KnowledgeBase) -> None:
    # An entry outside the inventory would be labelled by no evaluation set.
    assert {entry.id for entry in kb.entries} <= {topic["id"] for topic in TOPICS}


@pytest.mark.parametrize("topic", [t["id"] for t in TOPICS if t["kind"] == "pointer"])
def test_pointer_topics_say_where_to_ask_in_every_region(kb: KnowledgeBase, on: date, topic: str) -> None:
    if topic not in {entry.id for entry in kb.entries}:
        pytest.skip(f"{topic}: no entry on this branch")
    for place in REGIONS:
        hit = kb.render(topic, resolve_region(place) if place else None, on=on)
        assert any(word in hit.body for word in WHERE), (topic, place, hit.body)
        assert hit.citations, (topic, place)


def test_lump_sum_stays_one_word() -> None:
    # Numerals are read before synonyms: 一次性 becomes 1次性, and jieba would then cut
    # 1/次/性生活/补助; the synonym puts the term back together.
    text = TextProcessor()
    assert "一次性生活补助" in text.tokens("农民工一次性生活补助怎么领")
    assert "一次性生活补助" in text.tokens("一次性生活补贴")
