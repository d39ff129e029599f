"""What the chat must be able to say: the shared eval's knowledge questions, no invented amounts."""

from __future__ import annotations

import re
from datetime import date

import pytest

from policy_kb import resolve_region
from policy_kb.kb import KnowledgeBase

from .conftest import load_questions

# Knowledge questions of the shared development conversations (shared/eval/conversations.yaml),
# copied here because tests never read ../shared: id, question, patterns that must all match,
# patterns of which one must match.
CONVERSATIONS = [
    ("D01", "重庆失业保险金审核需要几个工作日", [r"7\s*个?工作日|七个工作日"], []),
    ("D02", "我在大连，失业金多久能批下来", [r"10\s*个?工作日|十个工作日"], []),
    ("D03", "缴费满3年能领多少个月失业金", [r"12\s*个月|十二个月"], []),
    ("D04", "失业保险交了11年，能领多久", [r"24\s*个月|二十四个月"], []),
    ("D05", "主动离职能领失业金吗", [r"非因本人意愿|本人意愿"], []),
    ("D06", "天津这个月的按月申领没办，会怎么样", [], [r"不再享受|补发"]),
    ("D07", "重庆资格核验漏了两个月", [r"暂停"], []),
    ("D08", "领失业金期间找到工作了怎么办", [], [r"停止|停发|告知"]),
    ("D09", "多领的失业金怎么退", [], [r"退回|分期|抵扣"]),
    ("D10", "领失业金的时候医保怎么办", [], [r"代缴"]),
    ("D11", "快退休了失业金领完了还能继续领吗", [], [r"继续|续发|法定退休年龄"]),
    ("D12", "单位说我是自愿离职的，可我是被裁的", [], [r"重新|认定|核实"]),
    ("D16", "山东超过60天申领还能领失业金吗", [], [r"可以|不得以|仍可"]),
    ("D17", "内蒙古单位填错了停保原因怎么改", [], [r"窗口|综柜|综合柜台|网站"]),
    ("D18", "领取失业保险金期间可以领病残津贴吗", [], [r"不得同时|不能同时|不能"]),
]
EXPECTED_ENTRY = {
    "D01": "review_time", "D02": "review_time", "D03": "duration", "D04": "duration",
    "D05": "voluntary_resignation", "D06": "missed_checkin", "D07": "missed_checkin", "D08": "stop_events",
    "D09": "overpayment", "D10": "medical_insurance", "D11": "near_retirement", "D12": "dispute_reason",
    "D16": "sixty_day_window", "D17": "dispute_reason", "D18": "non_concurrent",
}  # fmt: skip
AMOUNT = re.compile(r"\d+(\.\d+)?\s*(元|块)|[一二三四五六七八九十百千万]+\s*元")


@pytest.mark.parametrize(("case", "question", "all_of", "any_of"), CONVERSATIONS, ids=[c[0] for c in CONVERSATIONS])
def test_shared_eval_knowledge_questions(
    kb: KnowledgeBase, on: date, case: str, question: str, all_of: list[str], any_of: list[str]
) -> None:
    answer = kb.answer(question, None, on=on)
    assert answer is not None, question
    assert answer.entry_id == EXPECTED_ENTRY[case]
    for pattern in all_of:
        assert re.search(pattern, answer.text), (pattern, answer.text)
    assert not any_of or any(re.search(pattern, answer.text) for pattern in any_of), answer.text
    assert answer.citations


def test_amount_answer_never_gives_a_figure(kb: KnowledgeBase, on: date) -> None:
    regions = [None, *(resolve_region(code) for code in kb.rule_base.region_codes), resolve_region("广东")]
    for region in regions:
        hit = kb.render("benefit_amount", region, on=on)
        assert not AMOUNT.search(hit.answer_text), hit.answer_text
        assert "元" not in hit.body
        assert "12333" in hit.body and "最低" in hit.body  # how it is set and where to ask


def test_amount_questions_get_the_amount_entry_without_figures(kb: KnowledgeBase, on: date) -> None:
    questions = [q for split in ("tune", "heldout") for q in load_questions(split) if q["expected"] == "benefit_amount"]
    assert len(questions) >= 8
    for item in questions:
        assert item["q"] is not None
        for hit in kb.search(item["q"], item.get("region"), 3, on=on):
            assert not AMOUNT.search(hit.answer_text), hit.answer_text


def test_no_entry_states_an_amount_of_money(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        for statement in entry.all_statements():
            assert not AMOUNT.search(statement.text), (entry.id, statement.text)


@pytest.mark.parametrize("text", ["你好", "谢谢", "好的", "今天天气怎么样", "asdfgh", "", "   ", "？？？"])
def test_no_answer_when_not_understood(kb: KnowledgeBase, on: date, text: str) -> None:
    assert kb.answer(text, None, on=on) is None


def test_answer_reads_well_on_a_phone(kb: KnowledgeBase, on: date) -> None:
    answer = kb.answer("重庆失业保险金审核需要几个工作日", None, on=on)
    assert answer is not None
    assert answer.text.endswith("（依据：渝人社办〔2025〕112号 一（二））")
    assert 0 < answer.confidence <= 1
    body = answer.text.split("（依据：")[0]
    assert len(body) <= 150


def test_duration_brackets_come_from_the_rule_base(kb: KnowledgeBase, on: date) -> None:
    hit = kb.render("duration", None, on=on)
    assert "满1年不满5年的，最长12个月；满5年不满10年的，最长18个月；满10年及以上的，最长24个月" in hit.body
    assert any(c.document == "失业保险条例" and c.clause == "第十七条" for c in hit.citations)
