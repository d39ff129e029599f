"""A person's facts read from their own words: months, dates, durations, periods, birth, category, money."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest

from policy_kb.kb.facts import Facts, understand
from policy_kb.kb.text import read_numbers
from policy_kb.vocab import RetirementCategory

# Frozen "today"s: mid-February (bare months after February are last year's) and early January
# (relative months cross the year boundary).
FEB = date(2026, 2, 10)
JAN = date(2026, 1, 5)
DEC = date(2025, 12, 20)


# -- months ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "today", "months"),
    [
        ("8月和9月的失业金什么时候补", FEB, ["2025-08", "2025-09"]),
        ("1月份的资格核验在哪里弄", FEB, ["2026-01"]),
        ("我是2月份才登记的", FEB, ["2026-02"]),
        ("12月份的钱还没到账", FEB, ["2025-12"]),
        ("上个月没签到会怎样", FEB, ["2026-01"]),
        ("上个月没签到会怎样", JAN, ["2025-12"]),
        ("上上个月的钱少发了", JAN, ["2025-11"]),
        ("这个月的还能办吗", JAN, ["2026-01"]),
        ("下个月能领吗", DEC, ["2026-01"]),
        ("2个月前申请的还没消息", JAN, ["2025-11"]),
        ("去年10月份离的职", FEB, ["2025-10"]),
        ("前年5月开始交的", FEB, ["2024-05"]),
        ("今年3月份打算去登记", FEB, ["2026-03"]),
        ("2026年3月能领到吗", FEB, ["2026-03"]),
        ("2024年7月到9月断过保", FEB, ["2024-07", "2024-08", "2024-09"]),
        ("25年11月辞退的", FEB, ["2025-11"]),
        ("二〇二五年十一月被裁的", FEB, ["2025-11"]),
        ("二零二四年十二月", FEB, ["2024-12"]),
        ("十月和十一月都没发", FEB, ["2025-10", "2025-11"]),
        ("7、8、9月的都没收到", FEB, ["2025-07", "2025-08", "2025-09"]),
        ("9到12月的能一起补吗", FEB, ["2025-09", "2025-10", "2025-11", "2025-12"]),
        ("11月到1月没打卡", FEB, ["2025-11", "2025-12", "2026-01"]),
        ("去年11月到今年1月一直没发", FEB, ["2025-11", "2025-12", "2026-01"]),
        ("打算12月辞职", FEB, ["2026-12"]),
        ("2025年12月31日离职的", FEB, ["2025-12"]),
        # traditional characters
        ("去年十月份離職的", FEB, ["2025-10"]),
    ],
)
def test_months(text: str, today: date, months: list[str]) -> None:
    assert understand(text, today).months == months


@pytest.mark.parametrize(
    "text",
    [
        "离职3个月了还能申请吗",  # a duration, not March
        "交了11个月够不够",
        "失业金每个月1800元",  # an amount
        "我的手机是13912345678",  # a phone number
        "身份证110105197001011234",  # an ID number
        "打12333问过了",  # the hotline
        "验证码是482913",  # a code
        "一个月能领多少钱",
        "交了13年",  # not "13年" as a year
    ],
)
def test_no_month_where_there_is_none(text: str) -> None:
    facts = understand(text, FEB)
    assert facts.months == [] and facts.dates == []


@pytest.mark.parametrize(
    ("text", "today", "dates"),
    [
        ("2025年12月31日合同到期", FEB, [date(2025, 12, 31)]),
        ("10月15号办的离职", FEB, [date(2025, 10, 15)]),
        ("1月8日去的社保局", FEB, [date(2026, 1, 8)]),
        ("2025-11-03申请的", FEB, [date(2025, 11, 3)]),
        ("去年12月1号交的材料", FEB, [date(2025, 12, 1)]),
        ("昨天刚提交", FEB, [date(2026, 2, 9)]),
        ("2月30号", FEB, []),  # no such day
    ],
)
def test_dates(text: str, today: date, dates: list[date]) -> None:
    assert understand(text, today).dates == dates


# -- durations and contribution periods ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "months", "least", "most"),
    [
        ("交了6年失业保险", 72, 72, 72),
        ("失业保险交了十一年", 132, 132, 132),
        ("社保交了4年11个月", 59, 59, 59),
        ("社保交了三年零八个月", 44, 44, 44),
        ("交了两年半能领几个月", 30, 30, 30),
        ("上了五年半的保险", 66, 66, 66),
        ("缴费满3年", 36, 36, 36),
        ("交了18个月", 18, 18, 18),
        ("參保了八個月", 8, 8, 8),  # traditional
        ("社保交了半年", 6, 6, 6),
        ("6年失业险能领多久", 72, 72, 72),  # the insurance named after the figure
    ],
)
def test_exact_contribution(text: str, months: int, least: int, most: int) -> None:
    facts = understand(text, FEB)
    assert (facts.contribution_months, facts.contribution_least, facts.contribution_most) == (months, least, most)
    assert not facts.contribution_approximate


@pytest.mark.parametrize(
    ("text", "months", "least", "most"),
    [
        ("社保交了一年多", 12, 12, 23),  # at least a year, under two
        ("交了四年多了", 48, 48, 59),
        ("交了十几年", 132, 132, 239),  # 11 to 19 years
        ("交了三个多月", 3, 3, 3),  # whole months: still 3
        ("交了将近5年", 60, None, 59),  # at most 59
        ("交了不到一年", 12, None, 11),
        ("交了大概3年左右", 36, None, None),  # no bound at all
        ("交了超过5年", 60, 60, None),
        ("社保交了3到4年", 36, 36, 59),
        ("交了4年多到5年", 48, 48, 60),
        ("断断续续交了五六年", 60, 60, 83),  # on and off, but paid in
    ],
)
def test_approximate_contribution_keeps_its_bounds(text: str, months: int, least: int | None, most: int | None) -> None:
    facts = understand(text, FEB)
    assert facts.contribution_approximate
    assert (facts.contribution_months, facts.contribution_least, facts.contribution_most) == (months, least, most)


def test_periods_in_two_places_are_added_up() -> None:
    facts = understand("我在鞍山交了5年，后来到锦州又交了2年半", FEB)
    assert [(p.place, p.months) for p in facts.contribution_periods] == [("鞍山", 60), ("锦州", 30)]
    assert facts.contribution_months == 90 and facts.contribution_summed


def test_periods_listed_without_a_verb_the_second_time() -> None:
    facts = understand("社保在重庆交了3年，成都2年", FEB)
    assert [(p.place, p.months) for p in facts.contribution_periods] == [("重庆", 36), ("成都", 24)]
    assert facts.contribution_months == 60


def test_three_periods_with_a_place_not_in_the_gazetteer() -> None:
    facts = understand("先在老家交了1年，然后在天津交了2年，后来在济南交了4年", FEB)
    assert [p.months for p in facts.contribution_periods] == [12, 24, 48]
    assert [p.place for p in facts.contribution_periods][1:] == ["天津", "济南"]
    assert facts.contribution_months == 84


def test_an_approximate_period_makes_the_total_a_range() -> None:
    facts = understand("在沈阳交了两年多，在大连交了1年", FEB)
    assert (facts.contribution_months, facts.contribution_least, facts.contribution_most) == (36, 36, 47)
    assert facts.contribution_approximate and facts.contribution_summed


def test_a_stated_total_is_not_added_to_its_parts() -> None:
    facts = understand("一共交了8年，沈阳5年，大连3年", FEB)
    assert facts.contribution_months == 96 and not facts.contribution_summed
    facts = understand("交了8年，其中在大连3年", FEB)
    assert facts.contribution_months == 96


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("交了3年，离职半年了", ["contribution", "unemployed"]),
        ("交了5年，能领18个月吗", ["contribution", "benefit"]),
        ("已经领了4个月失业金", ["receiving"]),
        ("断缴两个月了", ["unemployed"]),
        # Paying again after the break: the last figure is contributions, though the clause says 断.
        ("交了差不多三年，断了半年又交了8个月", ["contribution", "unemployed", "contribution"]),
        ("失业了在家待了半年又上班了", ["unemployed"]),
        ("做满3年可以领取几个月的失业金", ["contribution"]),
    ],
)
def test_what_each_duration_is_about(text: str, kinds: list[str]) -> None:
    assert [d.kind for d in understand(text, FEB).durations] == kinds


@pytest.mark.parametrize(
    "text",
    [
        "离职两个月了能申请吗",
        "领了3个月了还能领几个月",
        "2026年3月能领吗",
        "每月两千块",
        "电话13812345678",
    ],
)
def test_no_contribution_where_there_is_none(text: str) -> None:
    assert understand(text, FEB).contribution_months is None


# -- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("每月两千块够干啥", [Decimal(2000)]),
        ("发了1850元", [Decimal(1850)]),
        ("工资4500，补偿金3万", [Decimal(4500), Decimal(30000)]),
        ("月薪6千多", [Decimal(6000)]),
        ("¥1920", [Decimal(1920)]),
        ("三千五百元", [Decimal(3500)]),
        # A digit after the unit counts in the unit below it.
        ("我月工资6千5，失业金能拿多少", [Decimal(6500)]),
        ("工资1万2", [Decimal(12000)]),
        ("补偿金1万2千元", [Decimal(12000)]),
    ],
)
def test_amounts(text: str, yuan: list[Decimal]) -> None:
    facts = understand(text, FEB)
    assert [a.yuan for a in facts.amounts] == yuan
    assert facts.months == [] and facts.contribution_months is None


def test_an_amount_and_a_month_in_one_message() -> None:
    facts = understand("11月只发了1200元，12月没发", FEB)
    assert facts.months == ["2025-11", "2025-12"]
    assert [a.yuan for a in facts.amounts] == [Decimal(1200)]


# -- birth, sex, category ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "birth", "sex", "category"),
    [
        ("男，1968年3月出生，还有几年退休", "1968-03", "male", RetirementCategory.male),
        ("本人女，1974年9月生，在车间上班", "1974-09", "female", RetirementCategory.female_worker),
        ("我是女干部，出生于1972年11月", "1972-11", "female", RetirementCategory.female_cadre),
        ("女的，76年4月份出生，管理岗", "1976-04", "female", RetirementCategory.female_cadre),
        ("我是男的，66.5出生", "1966-05", "male", RetirementCategory.male),
        ("女职工，1973年2月出生", "1973-02", "female", None),  # 50 or 55: the post decides
        ("一九六九年七月出生的男职工", "1969-07", "male", RetirementCategory.male),
    ],
)
def test_birth_and_category(text: str, birth: str, sex: str, category: RetirementCategory | None) -> None:
    facts = understand(text, FEB)
    assert (facts.birth_month, facts.sex, facts.retirement_category) == (birth, sex, category)
    assert birth not in facts.months  # a birth month is not a month the message asks about


def test_birth_year_alone() -> None:
    facts = understand("我是78年的，女工人", FEB)
    assert facts.birth_month is None and facts.birth_year == 1978
    assert facts.retirement_category == RetirementCategory.female_worker


@pytest.mark.parametrize("text", ["我女儿失业了怎么办", "我男朋友被辞退了", "帮我妈问一下"])
def test_family_words_are_not_the_senders_sex(text: str) -> None:
    assert understand(text, FEB).sex is None


def test_someone_elses_facts_are_marked() -> None:
    facts = understand("我爸1965年10月出生，他什么时候退休", FEB)
    assert facts.birth_month == "1965-10" and facts.about_someone_else


def test_age() -> None:
    facts = understand("今年57岁了，交了20年", FEB)
    assert facts.age == 57 and facts.contribution_months == 240


@pytest.mark.parametrize(("text", "age"), [("我今年五十五了，女工人", 55), ("我今年58了", 58), ("今年都50多了", None)])
def test_an_age_said_without_sui(text: str, age: int | None) -> None:
    assert understand(text, FEB).age == age


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("我2019年3月到2023年8月在公司交的社保", 54),
        ("我2021年5月-2024年4月在单位工作", 36),
        ("去年11月到今年2月的失业金都没领，能补吗", None),  # the benefit's months, not contributions
        ("去年3月到6月一直在找工作", None),
    ],
)
def test_a_range_of_months_paid_for_is_a_contribution_period(text: str, months: int | None) -> None:
    assert understand(text, FEB).contribution_months == months


def test_a_range_of_months_and_a_period_elsewhere_are_added() -> None:
    facts = understand("2020年1月到2022年12月在沈阳上班交社保，后来在大连又交了1年", FEB)
    assert [(p.place, p.months) for p in facts.contribution_periods] == [("沈阳", 36), ("大连", 12)]
    assert facts.contribution_months == 48 and facts.contribution_summed


def test_a_period_resumed_after_a_break_is_added() -> None:
    facts = understand("交了差不多三年，断了半年又交了8个月", FEB)
    assert facts.contribution_months == 44 and facts.contribution_summed


# -- employment type and leaving reason ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("我是劳务派遣的，派遣公司不给开证明", "dispatch"),
        ("还在试用期就被公司辞了", "probation"),
        ("我是农民工，单位交了两年失业保险", "rural_contract_worker"),
        ("灵活就业自己交的社保能领吗", "flexible"),
        ("做小时工的", "part_time"),
        ("签了劳动合同的正式工", "labour_contract"),
        ("失业金怎么领", None),
    ],
)
def test_employment_type(text: str, kind: str | None) -> None:
    assert understand(text, FEB).employment_type == kind


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("公司裁员把我裁了", "dismissed"),
        ("合同到期单位不续签了", "contract_expired"),
        ("我自己辞职的能领吗", "resigned"),
        ("单位拖欠工资我被迫辞职", "forced_resignation"),
        ("厂子倒闭了", "employer_closed"),
        ("不是我主动辞职的，是公司让我走", "dismissed"),  # the resignation is denied
        ("我没有辞职，是单位把我辞退的", "dismissed"),
        ("能领多久", None),
    ],
)
def test_leaving_reason(text: str, reason: str | None) -> None:
    assert understand(text, FEB).leaving_reason == reason


def test_the_month_the_job_ended() -> None:
    assert understand("我11月份被辞退的，现在申请晚不晚", FEB).left_month == "2025-11"
    assert understand("交了5年，去年8月合同到期", FEB).left_month == "2025-08"
    assert understand("8月和9月的钱没发", FEB).left_month is None


# -- what the sender said before ---------------------------------------------------------------------


def test_known_facts_fill_gaps() -> None:
    earlier = understand("男，1967年5月出生", FEB)
    facts = understand("那我什么时候退休", FEB, known=earlier.as_dict())
    assert facts.birth_month == "1967-05" and facts.retirement_category == RetirementCategory.male


def test_the_message_wins_where_it_says_it_again() -> None:
    earlier = understand("在沈阳交了4年，后来在大连交了3年", FEB).as_dict()
    facts = understand("说错了，一共交了6年", FEB, known=earlier)
    assert facts.contribution_months == 72 and not facts.contribution_summed and facts.contribution_periods == []


def test_months_of_an_earlier_message_are_not_carried() -> None:
    earlier = understand("10月和11月的钱能补发吗", FEB).as_dict()
    assert understand("怎么签到", FEB, known=earlier).months == []


def test_known_values_that_do_not_validate_are_dropped() -> None:
    facts = understand(
        "能领多久", FEB, known={"sex": "unknown", "birth_date": "1970-13-01", "contribution_months": 40, "x": 1}
    )
    assert facts.sex is None and facts.birth_month is None and facts.contribution_months == 40


def test_a_woman_who_said_her_post_before() -> None:
    facts = understand("我是管理岗", FEB, known={"sex": "female", "birth_date": "1975-08-09"})
    assert facts.retirement_category == RetirementCategory.female_cadre and facts.birth_month == "1975-08"


def test_facts_are_frozen_and_serialise() -> None:
    facts = understand("在沈阳交了4年多", FEB)
    with pytest.raises(ValueError):
        facts.contribution_months = 1  # type: ignore[misc]
    data = facts.as_dict()
    assert data["contribution_periods"][0]["place"] == "沈阳"
    assert Facts.model_validate(data) == facts


@pytest.mark.parametrize(
    ("text", "months", "summed"),
    [
        ("社保交了7年了，单位交的失业保险只有5年", 60, False),  # the same time said twice
        ("交了3年，停了半年，又交了2年", 60, True),  # the gap is not a contribution
        ("在上一家公司交了3年，这家公司交了2年", 60, True),
        ("交了5年，中间断了3个月", 60, False),
    ],
)
def test_only_separate_periods_are_added(text: str, months: int, summed: bool) -> None:
    facts = understand(text, FEB)
    assert (facts.contribution_months, facts.contribution_summed) == (months, summed)


def test_months_of_dates_keep_their_place_in_the_text() -> None:
    assert understand("12月12号离的职，1月份才去登记", FEB).months == ["2025-12", "2026-01"]
    assert understand("9月20号到11月5号一直没发", FEB).months == ["2025-09", "2025-10", "2025-11"]


def test_amounts_with_a_multiplier_are_whole_yuan() -> None:
    facts = understand("给了补偿1.5万", FEB)
    assert facts.as_dict()["amounts"][0]["yuan"] == "15000"


def test_a_long_story() -> None:
    facts = understand(
        "您好，我2018年5月进的厂，干了7年多，去年12月厂里说订单少把我们车间裁了，给了补偿2万多，"
        "我是女的，1977年3月出生，想问能领几个月",
        FEB,
    )
    assert facts.leaving_reason == "dismissed" and facts.left_month == "2025-12"
    assert (facts.contribution_months, facts.contribution_least, facts.contribution_most) == (84, 84, 95)
    assert facts.birth_month == "1977-03" and facts.retirement_category == RetirementCategory.female_worker
    assert [a.yuan for a in facts.amounts] == [Decimal(20000)]
    assert facts.months == ["2018-05", "2025-12"]


def test_the_benefit_is_not_the_job_ending() -> None:
    assert understand("12月份和1月份的失业金为什么没发", FEB).left_month is None


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("交了十一年", "交了11年"),
        ("二〇二六年三月", "2026年3月"),
        ("两千块", "2000块"),
        ("三年零八个月", "3年8个月"),
        ("十几年", "10几年"),
        ("干了六七年", "干了6到7年"),  # neighbouring numerals: a span
        ("我是六七年的", "我是67年的"),  # … but a birth year here
        ("五八年参加工作", "58年参加工作"),  # not neighbours: a year
        ("三四个月", "3到4个月"),
        ("俩月", "2个月"),  # two months, not February
        ("二月份", "2月份"),
        ("一直在交", "一直在交"),  # 一 that is not a number
    ],
)
def test_numerals_are_read(text: str, read: str) -> None:
    assert read_numbers(text) == read


@pytest.mark.parametrize(
    ("text", "least", "most"),
    [
        ("社保交了两三年", 24, 47),
        ("交了三四个月", 3, 4),
        ("交了十来年", None, None),  # about ten years, either side
    ],
)
def test_colloquial_spans(text: str, least: int | None, most: int | None) -> None:
    facts = understand(text, FEB)
    assert (facts.contribution_least, facts.contribution_most) == (least, most) and facts.contribution_approximate


def test_the_json_names_the_employment_type() -> None:
    facts = understand("我是女工，劳务派遣的，1978年2月出生", FEB)
    data = facts.as_dict()
    assert data["employment_type"] == "dispatch" and data["retirement_category"] == "female_worker"
    assert Facts.model_validate(data) == facts


@pytest.mark.parametrize("text", ["1" * 2000, "1年" * 1000, "十" * 2000, "1-" * 1000, "在沈阳交了4年，" * 150])
def test_long_odd_input_is_read_quickly_and_without_a_figure_to_compute_on(text: str) -> None:
    started = time.perf_counter()
    facts = understand(text, FEB)
    assert time.perf_counter() - started < 5  # linear, not quadratic (was 12 s for "1年" * 1000)
    assert facts.contribution_months is None


@pytest.mark.parametrize(
    "text",
    [
        "我的身份证是idref_abcdefghijkm，10月的钱没发",  # the chat gateway's handle
        "身份证1101**********123X，10月的钱没发",  # a masked number
        "手机138****5678，10月的钱没发",
        "11010519700101123X 10月的钱没发",
    ],
)
def test_identifiers_leave_only_the_month(text: str) -> None:
    facts = understand(text, FEB)
    assert facts.months == ["2025-10"] and facts.dates == [] and facts.birth_month is None
    assert facts.amounts == [] and facts.contribution_months is None


def test_looking_ahead_is_a_clause_not_the_whole_message() -> None:
    # "下个月" looks ahead; the 10月 of another clause is still last October.
    assert understand("我10月份离职的，下个月能领吗", FEB).months == ["2025-10", "2026-03"]


@pytest.mark.parametrize(
    ("text", "months", "birth_year"),
    [
        ("交了10年的社保", 120, None),  # "10年的" after a verb: a duration
        ("上了15年的班，交了15年", 180, None),
        ("2005年的社保记录查不到", None, None),  # a year, not a birth year
        ("我是75年的", None, 1975),
        ("67年的男的，交了20年", 240, 1967),
        ("我1990年5月生了孩子", None, None),  # a child's birth, not the sender's
    ],
)
def test_a_year_with_的_is_a_birth_year_only_when_said_of_a_person(
    text: str, months: int | None, birth_year: int | None
) -> None:
    facts = understand(text, FEB)
    assert (facts.contribution_months, facts.birth_year) == (months, birth_year)


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("男女退休年龄一样吗", None),
        ("男职工和女职工分别多少岁退休", None),
        ("我是女的，我老公是男的，我们谁先退休", "female"),
        ("性别：男", "male"),
    ],
)
def test_both_sexes_named(text: str, sex: str | None) -> None:
    assert understand(text, FEB).sex == sex
