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
from policy_kb.engine.retirement_check import _age_zh, _month_zh, _schedule_citations
from policy_kb.kb.facts import Facts
from policy_kb.months import parse_month
from policy_kb.regions import UnknownRegionError
from policy_kb.retirement import retirement_date, statutory_retirement
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
    if facts.contribution_months is None:
        return []
    line = contribution_line(facts.contribution_months, rule_base=rule_base, region_code=region_code, on=on)
    if line is None:
        return []
    text, citations = line
    if facts.contribution_summed:
        parts = "、".join(
            (f"在{p.place}" if p.place else "") + f"缴费{_span(p.months)}" for p in facts.contribution_periods
        )
        text = f"您{parts}，缴费年限累计计算，合计{_span(facts.contribution_months)}。{text}"
        citations = [CUMULATIVE_CITATION, *citations]
    return [ComputedLine(kind="contribution", text=text, citations=citations)]


def _retirement_lines(facts: Facts, *, rule_base: RuleBase, region_code: str, on: date) -> list[ComputedLine]:
    if facts.birth_month is None:
        return []
    schedule = rule_base.get(region_code, "retirement.schedule", on)
    if schedule is None:
        return []
    born = parse_month(facts.birth_month)
    categories = (
        [facts.retirement_category]
        if facts.retirement_category is not None
        else [RetirementCategory.female_worker, RetirementCategory.female_cadre]
        if facts.sex == "female"
        else []
    )
    lines: list[ComputedLine] = []
    for category in categories:
        ret = statutory_retirement(born, category, schedule.value)
        reached = retirement_date(born, ret.age_months) <= on
        who = _WHO[category] if facts.retirement_category is None else ""
        when = "已于" if reached else "将在"
        text = (
            f"{who}按{born.year}年{born.month}月出生计算，您的法定退休年龄是{_age_zh(ret.age)}，"
            f"{when}{_month_zh(ret.month)}达到。"
        )
        lines.append(
            ComputedLine(kind="retirement", text=text, citations=_schedule_citations(schedule.citations, category))
        )
    return lines


_WHO = {
    RetirementCategory.female_worker: "若您原法定退休年龄为50周岁（女工人）：",
    RetirementCategory.female_cadre: "若您原法定退休年龄为55周岁（女干部）：",
    RetirementCategory.male: "",
}


def _extension_lines(facts: Facts, *, rule_base: RuleBase, region_code: str, on: date) -> list[ComputedLine]:
    """The engine's near-retirement findings (extension to retirement, transition, end at retirement)."""
    if facts.birth_month is None or facts.retirement_category is None or facts.contribution_months is None:
        return []
    request = EligibilityRequest(
        region=region_code,
        application_date=on,
        person=Person(birth_date=parse_month(facts.birth_month), retirement_category=facts.retirement_category),
        contribution=Contribution(total_months=facts.contribution_months),
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
