"""Each regional variant is chosen for its region; elsewhere the national answer with the local-rules note."""

from __future__ import annotations

from datetime import date

import pytest

from policy_kb import resolve_region
from policy_kb.kb import LOCAL_NOTE, KnowledgeBase
from policy_kb.kb.render import render_statement

VARIANTS = [
    ("review_time", "500000"), ("review_time", "210000"), ("review_time", "120000"),
    ("missed_checkin", "120000"), ("missed_checkin", "500000"), ("backpay", "120000"), ("backpay", "500000"),
    ("monthly_checkin", "120000"), ("monthly_checkin", "500000"), ("dispute_reason", "150000"),
    ("dispute_reason", "500000"), ("medical_refund", "210000"), ("medical_refund", "500000"),
    ("medical_refund", "150000"), ("sixty_day_window", "370000"), ("near_retirement", "370000"),
    ("non_concurrent", "120000"), ("non_concurrent", "500000"), ("stop_events", "120000"),
    ("overpayment", "500000"), ("unemployment_registration", "150000"), ("job_retention_refund", "500000"),
]  # fmt: skip


def test_the_list_above_covers_every_variant(kb: KnowledgeBase) -> None:
    declared = {(entry.id, code) for entry in kb.entries for code in entry.variants}
    assert set(VARIANTS) <= declared
    assert len(declared) >= 45


@pytest.mark.parametrize(("entry_id", "code"), VARIANTS)
def test_variant_is_chosen_for_its_region(kb: KnowledgeBase, on: date, entry_id: str, code: str) -> None:
    hit = kb.render(entry_id, resolve_region(code), on=on)
    variant = kb.entry(entry_id).variants[code]
    expected = "".join(render_statement(s, rule_base=kb.rule_base, region_code=code, on=on)[0] for s in variant)
    assert hit.body == expected
    assert hit.region_used == code
    assert not hit.national_fallback
    assert LOCAL_NOTE not in hit.answer_text


def test_national_answer_with_note_without_region(kb: KnowledgeBase, on: date) -> None:
    for entry in kb.entries:
        hit = kb.render(entry.id, None, on=on)
        assert hit.region_used == "CN" and hit.national_fallback
        assert LOCAL_NOTE in hit.answer_text
        assert hit.answer_text.endswith("）") and "（依据：" in hit.answer_text


@pytest.mark.parametrize("place", ["广东", "北京市", "440300"])
def test_region_without_rules_gets_national_answer_and_note(kb: KnowledgeBase, on: date, place: str) -> None:
    region = resolve_region(place)
    for entry_id in ("review_time", "dispute_reason", "medical_refund", "backpay"):
        hit = kb.render(entry_id, region, on=on)
        national = kb.render(entry_id, None, on=on)
        assert hit.body == national.body
        assert LOCAL_NOTE in hit.answer_text and hit.national_fallback


def test_known_region_without_a_variant_uses_its_own_rule_values(kb: KnowledgeBase, on: date) -> None:
    # Shandong has no review-time variant: the national text, with Shandong's (inherited) values, no note.
    hit = kb.render("review_time", resolve_region("山东"), on=on)
    assert "10个工作日" in hit.body and LOCAL_NOTE not in hit.answer_text
    assert hit.region_used == "370000" and not hit.national_fallback


def test_city_inherits_its_province_variant(kb: KnowledgeBase, on: date) -> None:
    hit = kb.render("sixty_day_window", resolve_region("聊城"), on=on)
    assert "山东规定" in hit.body and "不得以超过60日" in hit.body
    assert not hit.national_fallback


def test_variant_not_used_before_its_notice_is_in_force(kb: KnowledgeBase) -> None:
    before = kb.render("monthly_checkin", resolve_region("天津"), on=date(2025, 6, 1))
    during = kb.render("monthly_checkin", resolve_region("天津"), on=date(2026, 3, 1))
    assert "每月5日至25日" in during.body
    assert "每月5日至25日" not in before.body


def test_place_named_in_the_question_wins_over_the_asker_region(kb: KnowledgeBase, on: date) -> None:
    answer = kb.answer("重庆失业金审核要几天", "120000", on=on)
    assert answer is not None and "7个工作日" in answer.text and answer.region_used == "500000"
    answer = kb.answer("失业金审核要几天", "500000", on=on)
    assert answer is not None and "7个工作日" in answer.text
    answer = kb.answer("失业金审核要几天", "天津", on=on)
    assert answer is not None and "10个工作日" in answer.text and LOCAL_NOTE not in answer.text


def test_places_are_found_in_questions(kb: KnowledgeBase) -> None:
    assert kb.region_for("我在大连，失业金多久能批下来", None).code == "210000"  # type: ignore[union-attr]
    assert kb.region_for("重慶失業金審核要幾天", None).code == "500000"  # type: ignore[union-attr]
    assert kb.region_for("呼和浩特失业金在哪办", None).code == "150000"  # type: ignore[union-attr]
    shanghai = kb.region_for("在上海交的回老家领失业金行吗", "500000")
    assert shanghai is not None and shanghai.code == "CN" and shanghai.national_fallback
    # Ordinary words that are also place names do not count.
    assert kb.region_for("来宾说单位没给交失业保险", None) is None
    assert kb.region_for("失业金审核要几天", None) is None
