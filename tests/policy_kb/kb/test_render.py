"""Rule values read as Chinese in answers, with the rule's citations."""

from __future__ import annotations

from datetime import date

import pytest

from policy_kb import Citation, default_rule_base
from policy_kb.kb.models import Statement
from policy_kb.kb.render import RenderError, format_value, render_statement
from policy_kb.rule_types import Bracket, Window
from policy_kb.vocab import BenefitKind

ON = date(2026, 11, 21)


def test_formats() -> None:
    brackets = [Bracket(min_months=60, months=18), Bracket(min_months=12, months=12)]
    assert format_value(brackets, "brackets") == "累计缴费满1年不满5年的，最长12个月；满5年及以上的，最长18个月"
    assert format_value(Window(start_day=5, end_day=25), "window") == "每月5日至25日"
    assert format_value(36, "years") == "3年"
    assert format_value(8, "years") == "8个月"
    assert format_value(["甲", "乙"], "or") == "甲或乙"
    assert format_value([BenefitKind.basic_pension, BenefitKind.illness_disability_allowance], None) == (
        "基本养老保险待遇、病残津贴"
    )
    assert format_value(20, None) == "20"


@pytest.mark.parametrize(("value", "fmt"), [(None, None), (True, None), (3, "window"), (3, "brackets"), (3, "nope")])
def test_values_that_cannot_be_shown_are_errors(value: object, fmt: str | None) -> None:
    with pytest.raises(RenderError):
        format_value(value, fmt)


def test_placeholder_takes_the_region_value_and_its_citation() -> None:
    rules = default_rule_base()
    statement = Statement(text="审核{review.working_days}个工作日")
    text, citations = render_statement(statement, rule_base=rules, region_code="500000", on=ON)
    assert text == "审核7个工作日"
    assert citations == rules.value("500000", "review.working_days", ON).citations
    text, _ = render_statement(statement, rule_base=rules, region_code="210000", on=ON)
    assert text == "审核10个工作日"


def test_placeholder_can_name_another_region_and_an_attribute() -> None:
    rules = default_rule_base()
    statement = Statement(text="天津最多补发{backpay.max_months@120000}个月，向{dispute.route.where}申请")
    text, _ = render_statement(statement, rule_base=rules, region_code="500000", on=ON)
    assert text == "天津最多补发3个月，向领金地失业保险经办机构申请"


def test_a_key_without_value_is_an_error() -> None:
    statement = Statement(text="补发{backpay.max_months}个月")
    with pytest.raises(RenderError):
        render_statement(statement, rule_base=default_rule_base(), region_code="CN", on=ON)  # national: null


def test_statement_needs_a_source_or_a_rule() -> None:
    with pytest.raises(ValueError, match="without a source"):
        Statement(text="没有出处的话。")
    with pytest.raises(ValueError, match="malformed placeholder"):
        Statement(
            text="坏的{占位符}", citations=[Citation(document="失业保险条例", clause="第十四条", quote="引文引文")]
        )
