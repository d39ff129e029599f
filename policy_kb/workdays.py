"""Chinese working days (holidays and 调休 make-up days) from the `chinesecalendar` package."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

import chinese_calendar


class Deadline(NamedTuple):
    date: date
    provisional: bool  # True when a year on the way is not in the published calendar


@lru_cache(maxsize=4096)
def _is_workday(day: date) -> tuple[bool, bool]:
    """(is a working day, known from the official calendar)."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:
        return day.weekday() < 5, False


def is_workday(day: date) -> bool:
    return _is_workday(day)[0]


def calendar_known(day: date) -> bool:
    return _is_workday(day)[1]


@lru_cache(maxsize=8192)
def add_working_days(start: date, n: int) -> Deadline:
    """The date `n` working days after `start`, counting from the next day.

    A day in a year the package does not know counts Monday to Friday and makes the
    result provisional.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    counted = 0
    provisional = False
    while counted < n:
        day += timedelta(days=1)
        workday, known = _is_workday(day)
        provisional = provisional or not known
        if workday:
            counted += 1
    return Deadline(day, provisional)
