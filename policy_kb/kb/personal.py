"""Answers that use a figure from the question itself ("交了11年能领多久").

An entry opts in with `personalize: contribution_months`; the line is computed
from the rule base (duration brackets, minimum contribution), never retyped.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from policy_kb.citations import Citation
from policy_kb.engine import evaluate
from policy_kb.engine.duration import benefit_months, months_for
from policy_kb.engine.retirement_check import _age_zh, _month_zh, _schedule_citations
from policy_kb.kb.facts import Facts
from policy_kb.months import month_index, parse_month
from policy_kb.regions import UnknownRegionError
from policy_kb.retirement import statutory_retirement
from policy_kb.rule_types import Bracket
from policy_kb.rulebase import RuleBase, RuleNotFound
from policy_kb.schemas import Contribution, EligibilityRequest, Person
from policy_kb.vocab import RetirementCategory

LineKind = Literal["contribution", "retirement", "extension"]
ALL_LINES: frozenset[LineKind] = frozenset({"contribution", "retirement", "extension"})

# "缴费满3年", "交了11年", "交了18个月" (after numerals are read: "十一年" → "11年").
_CONTRIBUTION = re.compile(r"(?:交|缴|满|保险|社保|工作|参保)[^\d，。？?]{0,4}?(\d{1,3})\s*(年|个月)")


def contribution_months(normalized_question: str) -> int | None:
    """Months of contribution the question states, if it states one."""
    match = _CONTRIBUTION.search(normalized_question)
    if match is None:
        return None
    number = int(match.group(1))
    months = number * 12 if match.group(2) == "年" else number
    return months if 0 < months <= 600 else None


def _span(months: int) -> str:
    return f"{months // 12}年" if months % 12 == 0 else f"{months}个月"


def contribution_line(
    months: int, *, rule_base: RuleBase, region_code: str, on: date
) -> tuple[str, list[Citation]] | None:
    """ "按累计缴费3年计，最长可领12个月。" from the region's brackets, with their citations."""
    try:
        brackets_rule = rule_base.value(region_code, "duration.brackets", on)
        minimum = rule_base.value(region_code, "conditions.min_contribution_months", on)
    except RuleNotFound:
        return None
    brackets: list[Bracket] = sorted(brackets_rule.value, key=lambda b: b.min_months)
    if months < int(minimum.value):
        return f"累计缴费{_span(months)}，不满{_span(int(minimum.value))}，还不能领取失业保险金。", list(
            minimum.citations
        )
    reached = [b for b in brackets if months >= b.min_months]
    if not reached:
        return None
    return f"按累计缴费{_span(months)}计，最长可领{reached[-1].months}个月。", list(brackets_rule.citations)


# -- lines for a person's facts (policy_kb.kb.facts) -------------------------------------------


class ComputedLine(BaseModel):
    """One sentence computed for the person (from the rule base or the engine), with its sources."""

    model_config = ConfigDict(frozen=True)

    kind: LineKind
    text: str
    citations: list[Citation]


# 社会保险法 第五十二条: contribution years in several places add up.
CUMULATIVE_CITATION = Citation(
    document="社会保险法",
    clause="第五十二条",
    quote="职工跨统筹地区就业的，其失业保险关系随本人转移，缴费年限累计计算。",
)

# Which computed lines a topic (a knowledge-base entry id) asks for; None: every line the facts allow.
TOPIC_LINES: dict[str, frozenset[LineKind]] = {
    "duration": frozenset({"contribution", "extension"}),
    "eligibility": frozenset({"contribution"}),
    "moving_regions": frozenset({"contribution"}),
    "reapply": frozenset({"contribution"}),
    "carried_over": frozenset({"contribution"}),
    "retirement_age": frozenset({"retirement", "extension"}),
    "near_retirement": frozenset({"retirement", "extension"}),
}


def personal_lines(
    facts: Facts, *, rule_base: RuleBase, region_code: str, on: date, topic: str | None
) -> list[ComputedLine]:
    """The engine's computations for the person's facts that `topic` asks for, in reading order."""
    wanted = TOPIC_LINES.get(topic, frozenset()) if topic is not None else ALL_LINES
    lines: list[ComputedLine] = []
    if "contribution" in wanted:
        lines.extend(_contribution_lines(facts, rule_base=rule_base, region_code=region_code, on=on))
    if "retirement" in wanted:
        lines.extend(_retirement_lines(facts, rule_base=rule_base, region_code=region_code, on=on))
    if "extension" in wanted:
        lines.extend(_extension_lines(facts, rule_base=rule_base, region_code=region_code, on=on))
    return lines


def _contribution_lines(facts: Facts, *, rule_base: RuleBase, region_code: str, on: date) -> list[ComputedLine]:
    months = facts.contribution_months
    if months is None:
        return []
    exact = facts.contribution_least == facts.contribution_most == months
    said = (
        facts.contribution_periods[0].text
        if len(facts.contribution_periods) == 1 and not facts.contribution_summed
        else f"约{_years_months(months)}"
    )
    line = (
        contribution_line(months, rule_base=rule_base, region_code=region_code, on=on)
        if exact
        else _range_line(
            facts.contribution_least,
            facts.contribution_most,
            said=said,
            about=months,
            rule_base=rule_base,
            region_code=region_code,
            on=on,
        )
    )
    if line is None:
        return []
    text, citations = line
    if facts.contribution_summed:
        parts = "、".join(
            (f"在{p.place}" if p.place else "") + f"缴费{p.text if p.approximate else _years_months(p.months)}"
            for p in facts.contribution_periods
        )
        total = _years_months(months) if exact else f"约{_years_months(months)}"
        text = f"您{parts}，缴费年限累计计算，合计{total}。{text}"
        citations = [CUMULATIVE_CITATION, *citations]
    return [ComputedLine(kind="contribution", text=text, citations=citations)]


def _years_months(months: int) -> str:
    """59 → "4年11个月", 84 → "7年", 8 → "8个月" (how a person says it, unlike _span's "59个月")."""
    years, rest = divmod(months, 12)
    return (f"{years}年" if years else "") + (f"{rest}个月" if rest or not years else "")


def _range_line(
    least: int | None,
    most: int | None,
    *,
    said: str,
    about: int,
    rule_base: RuleBase,
    region_code: str,
    on: date,
) -> tuple[str, list[Citation]] | None:
    """What the brackets give for a contribution known only within [least, most] (None: unbounded).

    One sentence when the whole range falls in one bracket ("按累计缴费1年多计，最长可领12个月");
    otherwise one clause per bracket the range touches. "大概5年" (no bounds) sits on the 5-year
    edge, so both sides are given; "大概3年" is clear of any edge.
    """
    try:
        brackets_rule = rule_base.value(region_code, "duration.brackets", on)
        minimum_rule = rule_base.value(region_code, "conditions.min_contribution_months", on)
    except RuleNotFound:
        return None
    brackets: list[Bracket] = sorted(brackets_rule.value, key=lambda b: b.min_months)
    minimum = int(minimum_rule.value)

    def outcome(months: int) -> str:
        got = months_for(brackets, months) if months >= minimum else 0
        return f"最长可领{got}个月" if got else "还不能领取失业保险金"

    edges = sorted({minimum, *(b.min_months for b in brackets)})
    if least is None and most is None:
        inside = [about] if about in edges else []
        low = about
    else:
        low = least if least is not None else max(0, (most or 0) + 1 - 12)  # "将近5年": within the year below
        inside = [edge for edge in edges if low < edge and (most is None or edge <= most)]
    if not inside:
        verdict = outcome(low)
        cited = minimum_rule.citations if low < minimum else brackets_rule.citations
        return f"按累计缴费{said}计，{verdict}。", list(cited)
    clauses: list[str] = []
    for i, start in enumerate([low, *inside]):
        end = inside[i] if i < len(inside) else None
        if i == 0:
            end = inside[0]
            who = f"满{_span(low)}不满{_span(end)}的" if least is not None and low > 0 else f"不满{_span(end)}的"
            verdict = outcome(end - 1)  # everything below the first edge (the edge itself may be `low`)
        else:
            who = f"满{_span(start)}的" if end is None else f"满{_span(start)}不满{_span(end)}的"
            verdict = outcome(start)
        clauses.append(f"{who}，{verdict}")
    citations = [*minimum_rule.citations, *brackets_rule.citations]
    return f"您说缴费{said}：累计缴费" + "，".join(clauses[:1]) + "；" + "；".join(
        clauses[1:]
    ) + "。具体月数以社保缴费记录为准。", citations


def _retirement_lines(facts: Facts, *, rule_base: RuleBase, region_code: str, on: date) -> list[ComputedLine]:
    """The person's statutory retirement month and age from the schedule in force (a woman: both posts)."""
    if facts.birth_month is None and facts.birth_year is None:
        return []
    schedule = rule_base.get(region_code, "retirement.schedule", on)
    if schedule is None:
        return []
    if facts.retirement_category is not None:
        categories = [facts.retirement_category]
    elif facts.sex == "female":  # her original age (50 or 55) depends on her post
        categories = [RetirementCategory.female_worker, RetirementCategory.female_cadre]
    else:
        return []
    whose = "" if facts.about_someone_else else "您的"
    lines: list[ComputedLine] = []
    for category in categories:
        who = _WHO[category] if facts.retirement_category is None else ""
        if facts.birth_month is not None:
            born = parse_month(facts.birth_month)
            ret = statutory_retirement(born, category, schedule.value)
            text = (
                f"{who}按{born.year}年{born.month}月出生计算，{whose}法定退休年龄是{_age_zh(ret.age)}，"
                f"{_when(ret.month, on)}达到。"
            )
        else:
            year = int(facts.birth_year or 0)
            first = statutory_retirement(date(year, 1, 1), category, schedule.value)
            last = statutory_retirement(date(year, 12, 1), category, schedule.value)
            ages = _age_zh(first.age) if first.age == last.age else f"{_age_zh(first.age)}到{_age_zh(last.age)}"
            text = (
                f"{who}按{year}年出生计算，{whose}法定退休年龄是{ages}，在{_month_zh(first.month)}到"
                f"{_month_zh(last.month)}之间达到，具体看出生月份；告诉我们出生月份可以算到月。"
            )
        lines.append(
            ComputedLine(kind="retirement", text=text, citations=_schedule_citations(schedule.citations, category))
        )
    return lines


def _when(month: str, on: date) -> str:
    """ "已于2025年8月" / "在本月（2026年2月）" / "将在2028年4月", seen from `on`."""
    gap = month_index(parse_month(month)) - month_index(on)
    if gap < 0:
        return f"已于{_month_zh(month)}"
    if gap == 0:
        return f"在本月（{_month_zh(month)}）"
    return f"将在{_month_zh(month)}"


_WHO = {
    RetirementCategory.female_worker: "原法定退休年龄为50周岁的（女工人）：",
    RetirementCategory.female_cadre: "原法定退休年龄为55周岁的（女干部）：",
    RetirementCategory.male: "",
}


def _extension_lines(facts: Facts, *, rule_base: RuleBase, region_code: str, on: date) -> list[ComputedLine]:
    """The engine's near-retirement findings (extension to retirement, transition, end at retirement)."""
    least, most = facts.contribution_least, facts.contribution_most
    if facts.birth_month is None or facts.retirement_category is None or least is None or most is None:
        return []
    if facts.about_someone_else:
        return []  # the engine's findings are worded to the claimant ("您的领金期…")
    entitled = {
        benefit_months(rule_base, region_code, total_months=months, previous_unused=0, on=on)
        for months in (least, most)
    }
    if len(entitled) != 1:
        return []  # "4年多到5年": the entitlement, and so its end, is not known
    request = EligibilityRequest(
        region=region_code,
        application_date=on,
        person=Person(birth_date=parse_month(facts.birth_month), retirement_category=facts.retirement_category),
        contribution=Contribution(total_months=least),
    )
    try:
        decision = evaluate(rule_base, request)
    except UnknownRegionError:
        return []
    return [
        ComputedLine(kind="extension", text=flag.message, citations=list(flag.citations))
        for flag in decision.flags
        if flag.code in _EXTENSION_FLAGS
    ]


_EXTENSION_FLAGS = ("EXTENSION_TO_RETIREMENT", "TRANSITION_EXTENSION", "ENDS_AT_RETIREMENT")
