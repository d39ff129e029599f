"""Statutory retirement age under the 2025 reform (渐进式延迟法定退休年龄)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from policy_kb.months import add_months, month_index, month_str, parse_month
from policy_kb.rule_types import Schedule
from policy_kb.vocab import RetirementCategory

__all__ = ["Retirement", "RetirementCategory", "retirement_date", "statutory_retirement"]


class Retirement(NamedTuple):
    month: str  # "YYYY-MM": the month the person reaches statutory retirement age
    age: str  # e.g. "61y5m"
    age_months: int
    original_age_years: int
    pre_reform_month: str  # "YYYY-MM": the month of the original (pre-reform) age


def _default_schedule() -> dict[RetirementCategory, Schedule]:
    from policy_kb.rulebase import NATIONAL, default_rule_base

    value: dict[RetirementCategory, Schedule] = default_rule_base().latest(NATIONAL, "retirement.schedule").value
    return value


def delay_months(birth_date: date, schedule: Schedule) -> int:
    """0 before the first affected birth month, else min(cap, months since it // step + 1)."""
    since = month_index(birth_date) - month_index(parse_month(schedule.first_birth_month))
    if since < 0:
        return 0
    return min(schedule.max_delay_months, since // schedule.step_birth_months + 1)


def statutory_retirement(
    birth_date: date,
    category: RetirementCategory | str,
    schedule: dict[RetirementCategory, Schedule] | None = None,
) -> Retirement:
    """Retirement month and age for a birth date and category (``male``, ``female_cadre``, ``female_worker``).

    The schedule comes from the national rule ``retirement.schedule`` unless given.
    """
    cat = RetirementCategory(category)
    rules = (schedule or _default_schedule())[cat]
    age_months = rules.original_age_years * 12 + delay_months(birth_date, rules)
    years, months = divmod(age_months, 12)
    return Retirement(
        month=month_str(add_months(birth_date, age_months)),
        age=f"{years}y{months}m",
        age_months=age_months,
        original_age_years=rules.original_age_years,
        pre_reform_month=month_str(add_months(birth_date, rules.original_age_years * 12)),
    )


def retirement_date(birth_date: date, age_months: int) -> date:
    """The day the person reaches `age_months` (day clamped to the end of a short month)."""
    return add_months(birth_date, age_months)
