"""Month arithmetic on dates and ``YYYY-MM`` strings."""

from __future__ import annotations

import calendar
from datetime import date


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def add_months(day: date, months: int) -> date:
    """Same day `months` later (clamped to the last day of a shorter month)."""
    year, month0 = divmod(month_index(day) + months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def month_str(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def first_of_next_month(day: date) -> date:
    return add_months(day.replace(day=1), 1)
