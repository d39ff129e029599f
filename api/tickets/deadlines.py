"""Ticket deadlines in clock hours or Chinese working days (holidays and 调休 counted)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from api.tickets.limits import Limit, StageLimits
from policy_kb import add_working_days as kb_add_working_days
from policy_kb.clock import CHINA_TZ, china_date
from policy_kb.workdays import is_workday as kb_is_workday


def add_working_days(start: date, n: int) -> tuple[date, bool]:
    """The date `n` Chinese working days after `start` (counting from the next day).

    Returns (date, provisional): provisional when a day on the way lies in a year
    the official calendar does not cover yet, counted Monday to Friday.
    The one place tickets read the calendar: policy_kb's working days (chinesecalendar).
    """
    deadline = kb_add_working_days(start, n)
    return deadline.date, deadline.provisional


def deadline_after(start: datetime, limit: Limit, *, day_ends: time) -> tuple[datetime, bool]:
    """When a stage that starts at `start` must be done; (deadline, provisional)."""
    if limit.hours is not None:
        return start + timedelta(hours=limit.hours), False
    assert limit.working_days is not None
    local = start.astimezone(CHINA_TZ)
    day, provisional = add_working_days(local.date(), limit.working_days)
    return datetime.combine(day, day_ends, tzinfo=CHINA_TZ), provisional


@dataclass(frozen=True)
class Deadlines:
    accept_by: datetime
    respond_by: datetime
    resolve_by: datetime
    provisional: bool


def compute_deadlines(start: datetime, stages: StageLimits, *, day_ends: time) -> Deadlines:
    accept_by, p1 = deadline_after(start, stages.accept, day_ends=day_ends)
    respond_by, p2 = deadline_after(start, stages.respond, day_ends=day_ends)
    resolve_by, p3 = deadline_after(start, stages.resolve, day_ends=day_ends)
    return Deadlines(accept_by, respond_by, max(resolve_by, respond_by), p1 or p2 or p3)


def extend(deadline: datetime, working_days: int, *, day_ends: time) -> tuple[datetime, bool]:
    """A deadline moved by `working_days` (an approved extension)."""
    local = deadline.astimezone(CHINA_TZ)
    day, provisional = add_working_days(local.date(), working_days)
    return datetime.combine(day, day_ends, tzinfo=CHINA_TZ), provisional


def working_days_between(start: date, end: date) -> int:
    """Chinese working days after `start` up to and including `end` (as add_working_days counts)."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += kb_is_workday(day)
    return days


def deadline_phrase(start: datetime, deadline: datetime) -> str:
    """How a claimant is told a deadline, the one format everywhere: "7个工作日内（3月23日前）".

    A limit in clock hours (urgent tickets) reads "2小时内（3月10日15:30前）": a day alone would
    say nothing about an answer due this afternoon.
    """
    local = deadline.astimezone(CHINA_TZ)
    if deadline - start <= timedelta(hours=24):
        hours = max(1, math.ceil((deadline - start).total_seconds() / 3600))
        return f"{hours}小时内（{local.month}月{local.day}日{local:%H:%M}前）"
    days = max(1, working_days_between(china_date(start), local.date()))
    return f"{days}个工作日内（{local.month}月{local.day}日前）"
