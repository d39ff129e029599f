"""Statutory retirement under the 2025 reform: every worked row of facts.md."""

from __future__ import annotations

from datetime import date

import pytest

from policy_kb import statutory_retirement


@pytest.mark.parametrize(
    ("birth", "category", "month", "age"),
    [
        ("1965-01-15", "male", "2025-02", "60y1m"),
        ("1966-01-15", "male", "2026-05", "60y4m"),
        ("1975-06-15", "male", "2038-02", "62y8m"),
        ("1970-06-15", "female_cadre", "2025-08", "55y2m"),
        ("1971-06-15", "female_cadre", "2026-11", "55y5m"),
        ("1976-06-15", "female_worker", "2027-03", "50y9m"),
        ("1984-11-15", "female_worker", "2039-11", "55y0m"),
        ("1970-05-10", "male", "2031-10", "61y5m"),  # contracts.md example
    ],
)
def test_worked_rows(birth: str, category: str, month: str, age: str) -> None:
    got = statutory_retirement(date.fromisoformat(birth), category)
    assert (got.month, got.age) == (month, age)


@pytest.mark.parametrize(
    ("birth", "category", "age_months"),
    [
        ("1964-12-31", "male", 720),  # before the first affected month: no delay
        ("1965-04-01", "male", 721),  # same step as 1965-01
        ("1965-05-01", "male", 722),  # 4 birth months later: one more month
        ("1976-08-01", "male", 755),  # one month before the cap
        ("1976-09-01", "male", 756),  # cap reached: 63
        ("1990-01-01", "male", 756),
        ("1969-12-01", "female_cadre", 660),
        ("1981-09-01", "female_cadre", 696),
        ("1974-12-01", "female_worker", 600),
        ("1975-02-01", "female_worker", 601),
        ("1975-03-01", "female_worker", 602),
        ("1984-10-01", "female_worker", 659),
        ("1995-01-01", "female_worker", 660),
    ],
)
def test_delay_boundaries(birth: str, category: str, age_months: int) -> None:
    assert statutory_retirement(date.fromisoformat(birth), category).age_months == age_months


def test_pre_reform_month_is_the_original_age() -> None:
    got = statutory_retirement(date(1976, 6, 20), "female_worker")
    assert (got.original_age_years, got.pre_reform_month) == (50, "2026-06")
