"""Deadlines in hours and Chinese working days: weekends, public holidays and 调休 make-up days."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
import time_machine
from fastapi.testclient import TestClient

from api.tickets.deadlines import compute_deadlines, extend
from api.tickets.limits import load_limits
from policy_kb.clock import CHINA_TZ

BJ = timezone(timedelta(hours=8))
LIMITS = load_limits()
DAY_ENDS = time(23, 59)


def _deadlines(category: str, urgency: str, at: datetime):  # type: ignore[no-untyped-def]
    return compute_deadlines(at, LIMITS.for_ticket(category, urgency), day_ends=DAY_ENDS)


def _end_of(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, tzinfo=BJ)


@pytest.mark.parametrize(
    ("category", "created", "respond_by", "resolve_by"),
    [
        # Complex (complaint): 15 / 18 working days from an ordinary Monday.
        ("complaint", datetime(2026, 3, 2, 9, 0, tzinfo=BJ), _end_of(2026, 3, 23), _end_of(2026, 3, 26)),
        # General, received on a Friday evening: the weekend does not count.
        ("consultation", datetime(2026, 3, 6, 20, 0, tzinfo=BJ), _end_of(2026, 3, 17), _end_of(2026, 3, 20)),
        # National Day holiday (10-01..10-07) skipped, Saturday 10-10 is a 调休 working day and counts.
        ("help", datetime(2026, 9, 30, 10, 0, tzinfo=BJ), _end_of(2026, 10, 15), _end_of(2026, 10, 20)),
        # Spring Festival: Saturday 2026-02-14 is a make-up working day; the deadline falls on Saturday 02-28.
        ("suggestion", datetime(2026, 2, 12, 15, 0, tzinfo=BJ), _end_of(2026, 2, 28), None),
    ],
)
def test_working_day_deadlines(
    category: str, created: datetime, respond_by: datetime, resolve_by: datetime | None
) -> None:
    d = _deadlines(category, "normal", created)
    assert d.accept_by == created + timedelta(hours=2)
    assert d.respond_by == respond_by
    if resolve_by is not None:
        assert d.resolve_by == resolve_by
    assert d.provisional is False


def test_urgent_is_answered_in_two_clock_hours_even_on_a_holiday() -> None:
    created = datetime(2026, 10, 1, 23, 30, tzinfo=BJ)  # National Day, late evening
    d = _deadlines("complaint", "urgent", created)
    assert d.accept_by == d.respond_by == datetime(2026, 10, 2, 1, 30, tzinfo=BJ)
    assert d.resolve_by == _end_of(2026, 10, 15)  # 7 working days, counted after the holiday


def test_a_year_without_a_published_calendar_is_provisional() -> None:
    d = _deadlines("consultation", "normal", datetime(2026, 12, 28, 10, 0, tzinfo=BJ))
    assert d.provisional is True
    assert d.respond_by == _end_of(2027, 1, 6)  # counted Monday to Friday


def test_extension_moves_by_working_days() -> None:
    moved, provisional = extend(_end_of(2026, 9, 29), 3, day_ends=DAY_ENDS)
    # 09-30, then the holiday, then 10-08 and 10-09.
    assert moved == _end_of(2026, 10, 9) and provisional is False


def test_api_answers_deadlines_in_beijing_time(staff_client: TestClient, auth_headers: dict[str, str]) -> None:
    from tests.api.staff.fixtures import TICKET

    with time_machine.travel(datetime(2026, 9, 30, 10, 0, tzinfo=CHINA_TZ), tick=False):
        r = staff_client.post("/v1/tickets", json={**TICKET, "category": "help"}, headers=auth_headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "received"
    assert body["created_at"] == "2026-09-30T10:00:00+08:00"
    assert body["accept_by"] == "2026-09-30T12:00:00+08:00"
    assert body["respond_by"] == "2026-10-15T23:59:00+08:00"
    assert body["resolve_by"] == "2026-10-20T23:59:00+08:00"
    assert body["deadlines_provisional"] is False
    assert body["number"] == f"GD20260930{body['id']:06d}"


def test_limits_file_names_its_source() -> None:
    assert "接诉即办" in LIMITS.source["document"]
    for stages in LIMITS.limits.values():
        for stage in stages.values():
            assert stage.accept.hours == 2 and stage.accept.source
