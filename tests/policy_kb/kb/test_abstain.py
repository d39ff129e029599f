"""Saying "not sure": plainly, with 12333 and the office, and after a close call the questions to tap."""

from __future__ import annotations

from datetime import date

import pytest

from policy_kb.kb import KnowledgeBase
from policy_kb.kb.abstain import abstention_reply, suggested_topics

MIN = 9.0


@pytest.mark.parametrize("reason", ["margin", "narrower", "assumed", "coverage"])
def test_a_close_call_offers_the_first_entries(reason: str) -> None:
    assert suggested_topics(reason, [("a", 40.0), ("b", 34.0), ("c", 30.0)], MIN) == ["a", "b"]
    # The runner-up only when it scored near the first; never a weak entry.
    assert suggested_topics(reason, [("a", 40.0), ("b", 25.0)], MIN) == ["a"]
    assert suggested_topics(reason, [("a", 8.0), ("b", 8.0)], MIN) == []


@pytest.mark.parametrize("reason", ["off_topic", "no_match", "own_record", "key_notion", "low_score"])
def test_no_entry_is_offered_when_none_is_near(reason: str) -> None:
    assert suggested_topics(reason, [("a", 40.0), ("b", 34.0)], MIN) == []


def test_the_reply_lists_the_offered_questions_after_saying_it_is_not_sure() -> None:
    reply = abstention_reply("120000", suggested=["本人不方便，能让家人代办申领吗"])
    lines = reply.split("\n")
    assert lines[0].startswith("这个问题我没有把握")
    assert lines[1] == "您想问的是不是："
    assert lines[2] == "· 本人不方便，能让家人代办申领吗"
    assert "12333" in lines[3] and "天津市失业保险经办部门" in lines[3] and "人工" in lines[3]
    assert "依据" not in reply  # nothing asserted, nothing cited
    # Without suggestions: one paragraph, as before.
    assert "\n" not in abstention_reply("120000")


def test_the_operator_card_names_the_near_entries_as_to_be_confirmed() -> None:
    card = abstention_reply("CN", operator=True, suggested=["甲", "乙"])
    assert "请勿按相近问题答复" in card and "相近条目（须与来电人确认后再答）：甲；乙" in card


def test_every_entry_title_asked_as_it_is_gets_that_entry(kb: KnowledgeBase) -> None:
    """A tapped suggestion sends the entry's title: it must be answered by that entry, everywhere."""
    on = date(2026, 12, 3)
    for region in (None, "120000", "210000", "500000", "370000", "371500", "150000"):
        wrong = []
        for entry in kb.entries:
            decision, _ = kb.decide(entry.title, region, on=on)
            if decision.entry_id != entry.id:
                wrong.append((entry.id, decision.entry_id, decision.reason))
        assert not wrong, (region, wrong)
