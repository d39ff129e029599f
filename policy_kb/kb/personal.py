"""Lines computed for the person from what they said ("交了11年能领多久", "男，1967年8月出生…").

:func:`personal_lines` takes the facts :func:`policy_kb.kb.facts.understand` read
and gives, for the topic asked about, the entitlement from the contribution
(periods in several places added up, 社会保险法 第五十二条), the statutory
retirement month, and the engine's near-retirement findings. Every figure comes
from the rule base, the retirement module or the engine, never retyped here.

:func:`contribution_months` / :func:`contribution_line` are the older single-figure
path that `KnowledgeBase.render` uses for entries with `personalize: contribution_months`.
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
from policy_kb.months import add_months, month_index, parse_month
from policy_kb.regions import UnknownRegionError
from policy_kb.retirement import statutory_retirement
from policy_kb.rule_types import Bracket
from policy_kb.rulebase import RuleBase, RuleNotFound
from policy_kb.schemas import Contribution, EligibilityRequest, Person
from policy_kb.vocab import RetirementCategory

# contribution: entitlement from the (summed) contribution; retirement: the statutory retirement
# month; extension: near-retirement findings; older: the older-claimant review where a region has one.
LineKind = Literal["contribution", "retirement", "extension", "older"]
ALL_LINES: frozenset[LineKind] = frozenset({"contribution", "retirement", "extension", "older"})

# "缴费满3年", "交了11年", "交了18个月" (after numerals are read: "十一年" → "11年").
_CONTRIBUTION = re.compile(r"(?:交|缴|满|保险|社保|工作|参保)[^\d，。？?]{0,4}?(\d{1,3})\s*(年|个月)")


def contribution_months(normalized_question: str) -> int | None:
    """Months of contribution the question states, if it states one (the first figure only;
    :func:`policy_kb.kb.facts.understand` reads several periods and adds them up)."""
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
# A topic not listed gets none: a figure in the story is not news to someone asking how to check in.
_PAID_IN: frozenset[LineKind] = frozenset({"contribution"})
_HOW_LONG: frozenset[LineKind] = frozenset({"contribution", "extension"})
_RETIRING: frozenset[LineKind] = frozenset({"retirement", "extension"})
TOPIC_LINES: dict[str, frozenset[LineKind]] = {
    "duration": _HOW_LONG,
    "duration_contribution_bands": _HOW_LONG,
    "eligibility": _PAID_IN,
    "contribution_one_year": _PAID_IN,
    "contribution_gaps": _PAID_IN,
    "contributions_two_places": _PAID_IN,
    "moving_regions": _PAID_IN,
    "province_internal_transfer": _PAID_IN,
    "reapply": _PAID_IN,
    "carried_over": _PAID_IN,
    "retirement_age": _RETIRING,
    "near_retirement": _RETIRING,
    "reached_retirement_stop": _RETIRING,
    "documents_short_term_older": frozenset({"older"}),
    "short_term_review": frozenset({"older"}),
    "review_time": frozenset({"older"}),
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
    if wanted & {"extension", "older"}:
        lines.extend(_engine_lines(facts, wanted, rule_base=rule_base, region_code=region_code, on=on))
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
        spans = [p.text if p.approximate else _years_months(p.months) for p in facts.contribution_periods]
        if all(p.place for p in facts.contribution_periods):
            parts = "、".join(
                f"在{p.place}缴费{span}" for p, span in zip(facts.contribution_periods, spans, strict=True)
            )
        else:  # "先在一个市交了3年，又在另一个市交了2年"
            parts = "先后缴费" + "、".join(
                (f"{p.place}" if p.place else "") + span
                for p, span in zip(facts.contribution_periods, spans, strict=True)
            )
        total = _years_months(months) if exact else f"约{_years_months(months)}"
        # "…合计7年，最长可领18个月。": the total is said once.
        joins = {f"按累计缴费{_span(months)}计，": "，", f"按累计缴费{said}计，": "，", f"您说缴费{said}：": "。"}
        for said_total, join in joins.items():
            if text.startswith(said_total):
                text = f"您{parts}，缴费年限累计计算，合计{total}{join}{text.removeprefix(said_total)}"
                break
        else:
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
    if facts.birth_month is None and facts.birth_year is None and facts.age is None:
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
            if facts.birth_year is not None:  # born some month of that year
                basis, earliest, latest = (
                    f"{facts.birth_year}年出生",
                    date(facts.birth_year, 1, 1),
                    date(facts.birth_year, 12, 1),
                )
                missing = "出生月份"
            else:  # "今年58岁" on 2026-02-10: born 1967-02-11 … 1968-02-10, so in one of 13 months
                age = int(facts.age or 0)
                latest = add_months(on.replace(day=1), -12 * age)
                basis, earliest = f"现年{age}周岁", add_months(latest, -12)
                missing = "出生年月"
            first = statutory_retirement(earliest, category, schedule.value)
            last = statutory_retirement(latest, category, schedule.value)
            ages = _age_zh(first.age) if first.age == last.age else f"{_age_zh(first.age)}到{_age_zh(last.age)}"
            when = (
                "已在"
                if month_index(parse_month(last.month)) < month_index(on)
                else "将在"
                if month_index(parse_month(first.month)) > month_index(on)
                else "在"
            )
            text = (
                f"{who}按{basis}计算，{whose}法定退休年龄是{ages}，{when}{_month_zh(first.month)}到"
                f"{_month_zh(last.month)}之间达到，具体看{missing}；告诉我们{missing}可以算到月。"
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


def _engine_lines(
    facts: Facts, wanted: frozenset[LineKind], *, rule_base: RuleBase, region_code: str, on: date
) -> list[ComputedLine]:
    """The engine's findings for the person, as the engine words them.

    extension: extension to retirement, the transition rule, the end at retirement (needs the
    entitlement, so an exact enough contribution); older: the older-claimant review (Tianjin).
    """
    if facts.birth_month is None or facts.retirement_category is None or facts.about_someone_else:
        return []  # (someone else: the findings are worded to the claimant, "您的领金期…")
    least, most = facts.contribution_least, facts.contribution_most
    contribution: Contribution | None = None
    if least is not None and most is not None:
        entitled = {
            benefit_months(rule_base, region_code, total_months=months, previous_unused=0, on=on)
            for months in (least, most)
        }
        if len(entitled) == 1:  # "4年多到5年" may straddle a bracket: its end is then not known
            contribution = Contribution(total_months=least)
    if contribution is None and "older" not in wanted:
        return []
    request = EligibilityRequest(
        region=region_code,
        application_date=on,
        person=Person(birth_date=parse_month(facts.birth_month), retirement_category=facts.retirement_category),
        contribution=contribution,
    )
    try:
        decision = evaluate(rule_base, request)
    except UnknownRegionError:
        return []
    lines: list[ComputedLine] = []
    for flag in decision.flags:
        kind = _FLAG_LINES.get(flag.code)
        if kind is None or kind not in wanted or (kind == "extension" and contribution is None):
            continue
        lines.append(ComputedLine(kind=kind, text=flag.message, citations=list(flag.citations)))
    return lines


_FLAG_LINES: dict[str, LineKind] = {
    "EXTENSION_TO_RETIREMENT": "extension",
    "TRANSITION_EXTENSION": "extension",
    "ENDS_AT_RETIREMENT": "extension",
    "RISK_OLDER_CLAIMANT": "older",
}
