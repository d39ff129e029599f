"""Answers that use a figure from the question itself ("交了11年能领多久").

An entry opts in with `personalize: contribution_months`; the line is computed
from the rule base (duration brackets, minimum contribution), never retyped.
"""

from __future__ import annotations

import re
from datetime import date

from policy_kb.citations import Citation
from policy_kb.rule_types import Bracket
from policy_kb.rulebase import RuleBase, RuleNotFound

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
