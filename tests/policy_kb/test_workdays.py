"""Working-day deadlines from the official calendar; unknown years are provisional."""

from __future__ import annotations

from datetime import date

from policy_kb import add_working_days


def test_may_day_holiday() -> None:
    assert add_working_days(date(2026, 4, 30), 10) == (date(2026, 5, 18), False)


def test_make_up_saturday_counts() -> None:
    # 2026-02-14 is a Saturday worked in exchange for the Spring Festival holiday
    assert add_working_days(date(2026, 2, 12), 7) == (date(2026, 2, 28), False)


def test_counting_starts_the_next_day() -> None:
    assert add_working_days(date(2026, 3, 2), 1).date == date(2026, 3, 3)
    assert add_working_days(date(2026, 3, 6), 1).date == date(2026, 3, 9)  # Friday → Monday
    assert add_working_days(date(2026, 3, 6), 0) == (date(2026, 3, 6), False)


def test_year_not_in_the_calendar_is_weekdays_and_provisional() -> None:
    assert add_working_days(date(2027, 3, 1), 10) == (date(2027, 3, 15), True)


def test_crossing_into_an_unknown_year_is_provisional() -> None:
    got = add_working_days(date(2026, 12, 28), 10)
    assert got.provisional is True
    assert got.date.year == 2027
