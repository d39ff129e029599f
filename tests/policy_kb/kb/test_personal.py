"""A figure in the question gives a personal line, computed from the rule base."""

from __future__ import annotations

from datetime import date

import pytest

from policy_kb import default_rule_base
from policy_kb.kb import KnowledgeBase
from policy_kb.kb.personal import contribution_line, contribution_months
from policy_kb.kb.text import TextProcessor


@pytest.mark.parametrize(
    ("question", "months"),
    [
        ("缴费满3年能领多少个月失业金", 36),
        ("失业保险交了十一年，能领多久", 132),
        ("交了两年失业保险能领几个月", 24),
        ("社保交了18个月能领多久", 18),
        ("失业金能领多长时间", None),
        ("离职3个月了还能申请吗", None),
    ],
)
def test_contribution_is_read_from_the_question(question: str, months: int | None) -> None:
    assert contribution_months(TextProcessor().normalize(question)) == months


@pytest.mark.parametrize(
    ("months", "line"),
    [
        (8, "累计缴费8个月，不满1年，还不能领取失业保险金。"),
        (12, "按累计缴费1年计，最长可领12个月。"),
        (59, "按累计缴费59个月计，最长可领12个月。"),
        (60, "按累计缴费5年计，最长可领18个月。"),
        (119, "按累计缴费119个月计，最长可领18个月。"),
        (120, "按累计缴费10年计，最长可领24个月。"),
    ],
)
def test_line_follows_the_brackets(months: int, line: str) -> None:
    result = contribution_line(months, rule_base=default_rule_base(), region_code="CN", on=date(2026, 11, 21))
    assert result is not None and result[0] == line and result[1]


def test_answer_starts_with_the_personal_line(kb: KnowledgeBase, on: date) -> None:
    answer = kb.answer("失业保险交了11年，能领多久", None, on=on)
    assert answer is not None and answer.text.startswith("按累计缴费11年计，最长可领24个月。")
    plain = kb.answer("失业金最长能领多久", None, on=on)
    assert plain is not None and plain.text.startswith("领取期限按累计缴费时间确定")
