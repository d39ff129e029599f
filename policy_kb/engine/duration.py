"""条例第十七条: months of benefit by contribution, plus unused months carried over, capped."""

from __future__ import annotations

from datetime import date

from policy_kb.rule_types import Bracket
from policy_kb.rulebase import RuleBase


def months_for(brackets: list[Bracket], total_months: int) -> int:
    """Months for a contribution total (0 below the lowest bracket)."""
    months = 0
    for bracket in brackets:
        if total_months >= bracket.min_months:
            months = max(months, bracket.months)
    return months


def benefit_months(
    rules: RuleBase, region_code: str, *, total_months: int, previous_unused: int, on: date
) -> int | None:
    """Entitled months (None if no bracket applies or the rules are not in force on `on`)."""
    brackets = rules.get(region_code, "duration.brackets", on)
    cap = rules.get(region_code, "duration.max_months", on)
    if brackets is None or cap is None:
        return None
    base = months_for(brackets.value, total_months)
    if base == 0:
        return None
    limit: int = cap.value
    return min(base + previous_unused, limit)
