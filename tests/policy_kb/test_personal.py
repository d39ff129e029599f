"""Lines computed for the person's facts: entitlement from summed periods, retirement date, extension.

Expected figures come from the rule base and the retirement module (or from the worked rows
the source text itself gives), never typed in beside the code that computes them.
"""

from __future__ import annotations

from datetime import date

import pytest

from policy_kb import RuleBase
from policy_kb.engine.duration import months_for
from policy_kb.kb.facts import understand
from policy_kb.kb.personal import CUMULATIVE_CITATION, ComputedLine, personal_lines
from policy_kb.retirement import statutory_retirement
from policy_kb.sources import load_documents, quote_found

ON = date(2026, 2, 10)


def lines(
    rules: RuleBase, text: str, *, region: str = "CN", topic: str | None = None, on: date = ON
) -> list[ComputedLine]:
    return personal_lines(understand(text, on), rule_base=rules, region_code=region, on=on, topic=topic)


def entitled(rules: RuleBase, months: int, region: str = "CN") -> int:
    return months_for(rules.value(region, "duration.brackets", ON).value, months)


def month_zh(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:])}月"


# -- contribution ------------------------------------------------------------------------------


def test_periods_in_two_places_are_added_up_and_cited(rules: RuleBase) -> None:
    [line] = lines(rules, "我在鞍山交了5年，后来到锦州又交了2年半，能领几个月", region="210000", topic="duration")
    assert line.kind == "contribution"
    assert line.text.startswith("您在鞍山缴费5年、在锦州缴费2年6个月，缴费年限累计计算，合计7年6个月，")
    assert f"最长可领{entitled(rules, 90, '210000')}个月" in line.text
    assert line.citations[0] == CUMULATIVE_CITATION
    assert any(c.clause == "第十七条" for c in line.citations)


def test_the_sum_crosses_a_bracket_edge_neither_period_reaches(rules: RuleBase) -> None:
    # 4 years alone is under 5; 4 + 3 years is over it: the sum decides.
    [line] = lines(rules, "在沈阳交了4年，大连交了3年", topic="duration")
    assert entitled(rules, 48) != entitled(rules, 84)
    assert f"最长可领{entitled(rules, 84)}个月" in line.text


def test_one_exact_period_is_the_existing_line(rules: RuleBase) -> None:
    [line] = lines(rules, "失业保险交了十一年，能领多久", topic="duration")
    assert line.text == f"按累计缴费11年计，最长可领{entitled(rules, 132)}个月。"
    assert CUMULATIVE_CITATION not in line.citations


def test_an_approximate_period_inside_one_bracket(rules: RuleBase) -> None:
    [line] = lines(rules, "社保交了一年多", topic="duration")
    assert line.text == f"按累计缴费1年多计，最长可领{entitled(rules, 12)}个月。"


def test_an_approximate_period_on_an_edge_gives_both_sides(rules: RuleBase) -> None:
    [line] = lines(rules, "社保大概交了5年", topic="duration")
    assert f"不满5年的，最长可领{entitled(rules, 59)}个月" in line.text
    assert f"满5年的，最长可领{entitled(rules, 60)}个月" in line.text
    assert "以社保缴费记录为准" in line.text


def test_a_range_that_spans_an_edge(rules: RuleBase) -> None:
    [line] = lines(rules, "社保交了8到10年，记不太清", topic="duration")
    assert f"最长可领{entitled(rules, 96)}个月" in line.text and f"最长可领{entitled(rules, 120)}个月" in line.text


def test_under_the_minimum(rules: RuleBase) -> None:
    [line] = lines(rules, "交了不到一年能领吗", topic="eligibility")
    assert "还不能领取失业保险金" in line.text
    assert line.citations == list(rules.value("CN", "conditions.min_contribution_months", ON).citations)


def test_a_month_or_an_amount_gives_no_contribution_line(rules: RuleBase) -> None:
    assert lines(rules, "2026年3月能领多少", topic="duration") == []
    assert lines(rules, "每月1800元能领几个月", topic="duration") == []
    assert lines(rules, "离职3个月了能领多久", topic="duration") == []


def test_the_cumulative_quote_is_in_the_statute_text() -> None:
    document = load_documents()["社会保险法"]
    if document.source == "facts.md":
        pytest.skip("the Chinese text of 社会保险法 is not in policy_kb/sources yet (the coordinator adds it)")
    assert quote_found(document, CUMULATIVE_CITATION.quote)


# -- retirement ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "month"),
    [
        # Worked rows printed in the source text (sources/facts.md, 渐进式延迟法定退休年龄).
        ("男，1966年1月出生，什么时候退休", "2026-05"),
        ("我是女干部，1971年6月出生，哪年退休", "2026-11"),
        ("女工人，1976年6月生的", "2027-03"),
        ("男的，1975年6月出生", "2038-02"),
    ],
)
def test_retirement_matches_the_published_rows(rules: RuleBase, text: str, month: str) -> None:
    [line] = lines(rules, text, topic="retirement_age")
    assert line.kind == "retirement" and month_zh(month) in line.text


@pytest.mark.parametrize(
    ("text", "born", "category"),
    [
        ("男，1967年8月出生，什么时候退休", date(1967, 8, 1), "male"),
        ("本人女，1974年9月生，在车间上班，几岁退休", date(1974, 9, 1), "female_worker"),
        ("女，管理岗，出生于1972年11月", date(1972, 11, 1), "female_cadre"),
    ],
)
def test_retirement_is_the_engines_date_for_the_person(rules: RuleBase, text: str, born: date, category: str) -> None:
    expected = statutory_retirement(born, category, rules.value("CN", "retirement.schedule", ON).value)
    [line] = lines(rules, text, topic="retirement_age")
    assert month_zh(expected.month) in line.text
    assert line.citations and all(c.document == "渐进式延迟法定退休年龄改革" for c in line.citations)


def test_a_woman_without_her_post_gets_both_dates(rules: RuleBase) -> None:
    found = lines(rules, "女，1973年4月出生，什么时候退休", topic="retirement_age")
    schedule = rules.value("CN", "retirement.schedule", ON).value
    assert [line.kind for line in found] == ["retirement", "retirement"]
    for line, category in zip(found, ["female_worker", "female_cadre"], strict=True):
        assert month_zh(statutory_retirement(date(1973, 4, 1), category, schedule).month) in line.text
    assert "50周岁" in found[0].text and "55周岁" in found[1].text


def test_a_birth_year_alone_gives_the_span_of_that_year(rules: RuleBase) -> None:
    [line] = lines(rules, "我是1968年的男的，啥时候退休", topic="retirement_age")
    schedule = rules.value("CN", "retirement.schedule", ON).value
    first = statutory_retirement(date(1968, 1, 1), "male", schedule)
    last = statutory_retirement(date(1968, 12, 1), "male", schedule)
    assert month_zh(first.month) in line.text and month_zh(last.month) in line.text and "出生月份" in line.text


def test_retirement_already_reached(rules: RuleBase) -> None:
    [line] = lines(rules, "男，1964年3月出生", topic="retirement_age")
    assert "已于" in line.text


def test_someone_elses_retirement_is_not_called_yours(rules: RuleBase) -> None:
    [line] = lines(rules, "我爸1966年9月出生的，男，他啥时候退休", topic="retirement_age")
    assert "您的" not in line.text and "法定退休年龄是" in line.text


def test_no_retirement_line_before_the_reform_schedule_is_in_force(rules: RuleBase) -> None:
    assert lines(rules, "男，1967年8月出生，什么时候退休", topic="retirement_age", on=date(2024, 6, 1)) == []


def test_no_retirement_line_without_sex_or_category(rules: RuleBase) -> None:
    assert lines(rules, "1967年8月出生，什么时候退休", topic="retirement_age") == []


# -- near-retirement extension -----------------------------------------------------------------------


def test_extension_when_the_benefit_ends_within_a_year_of_retirement(rules: RuleBase) -> None:
    found = lines(rules, "男，1967年8月出生，交了6年，失业金领完能续发吗", topic="near_retirement")
    assert [line.kind for line in found] == ["retirement", "extension"]
    assert "继续领取失业保险金直到法定退休年龄" in found[1].text
    assert found[1].citations == list(rules.value("CN", "extension.to_retirement", ON).citations)


def test_extension_in_shandong_cites_shandong(rules: RuleBase) -> None:
    found = lines(rules, "男，1967年8月出生，交了6年，领完能续发吗", region="370000", topic="near_retirement")
    extension = [line for line in found if line.kind == "extension"]
    assert extension and all(c.document == "鲁人社函〔2020〕10号" for c in extension[0].citations)


def test_no_extension_when_the_entitlement_is_not_known(rules: RuleBase) -> None:
    found = lines(rules, "男，1967年8月出生，社保大概交了5年", topic="near_retirement")
    assert [line.kind for line in found] == ["retirement"]


# -- topics ---------------------------------------------------------------------------------------------


def test_a_topic_gets_only_the_lines_it_asks_for(rules: RuleBase) -> None:
    text = "男，1967年8月出生，交了6年"
    assert [line.kind for line in lines(rules, text, topic="duration")] == ["contribution", "extension"]
    assert [line.kind for line in lines(rules, text, topic="retirement_age")] == ["retirement", "extension"]
    assert lines(rules, text, topic="monthly_checkin") == []
    assert [line.kind for line in lines(rules, text, topic=None)] == ["contribution", "retirement", "extension"]


def test_a_total_known_from_an_earlier_turn_is_exact(rules: RuleBase) -> None:
    facts = understand("那我能领多久", ON, known={"contribution_months": 84})
    [line] = personal_lines(facts, rule_base=rules, region_code="CN", on=ON, topic="duration")
    assert line.text == f"按累计缴费7年计，最长可领{entitled(rules, 84)}个月。"


def test_new_entries_on_contributions_get_the_line(rules: RuleBase) -> None:
    [line] = lines(rules, "先在一个市交了3年，又在另一个市交了2年", topic="contributions_two_places")
    assert "累计计算" in line.text and CUMULATIVE_CITATION in line.citations


def test_the_older_claimant_review_is_tianjins_and_only_while_in_force(rules: RuleBase) -> None:
    text = "男，1966年12月出生，申请要交什么材料"
    in_force = date(2026, 6, 10)
    found = lines(rules, text, region="120000", topic="documents_short_term_older", on=in_force)
    assert [line.kind for line in found] == ["older"]
    assert found[0].citations == list(rules.value("120000", "risk.older_claimant", in_force).citations)
    assert lines(rules, text, region="CN", topic="documents_short_term_older", on=in_force) == []
    assert lines(rules, text, region="120000", topic="documents_short_term_older", on=date(2025, 6, 1)) == []


def test_an_age_alone_gives_the_span_of_the_birth_months_it_allows(rules: RuleBase) -> None:
    # 58 on 2026-02-10: born 1967-02-11 … 1968-02-10.
    [line] = lines(rules, "男，今年58岁，什么时候退休", topic="retirement_age")
    schedule = rules.value("CN", "retirement.schedule", ON).value
    first = statutory_retirement(date(1967, 2, 1), "male", schedule)
    last = statutory_retirement(date(1968, 2, 1), "male", schedule)
    assert f"将在{month_zh(first.month)}到{month_zh(last.month)}之间达到" in line.text


def test_a_span_already_past_is_said_so(rules: RuleBase) -> None:
    found = lines(rules, "女，52岁，原来在车间", topic="retirement_age")
    assert [line.kind for line in found] == ["retirement"] and "已在" in found[0].text
