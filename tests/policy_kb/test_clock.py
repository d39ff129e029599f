"""China's clock: the day changes at midnight Beijing time, 16:00 UTC, all year."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from policy_kb.clock import CHINA_TZ, china_date, now_in_china, today_in_china


@pytest.mark.parametrize(
    ("utc", "day"),
    [
        (datetime(2026, 3, 1, 15, 59, tzinfo=UTC), date(2026, 3, 1)),
        (datetime(2026, 3, 1, 16, 0, tzinfo=UTC), date(2026, 3, 2)),
        # Midsummer too: China keeps UTC+8 without daylight saving.
        (datetime(2026, 7, 31, 16, 0, tzinfo=UTC), date(2026, 8, 1)),
        (datetime(2026, 12, 31, 16, 30, tzinfo=UTC), date(2027, 1, 1)),
    ],
)
def test_the_date_in_china_of_a_utc_moment(utc: datetime, day: date) -> None:
    assert china_date(utc) == day
    with time_machine.travel(utc, tick=False):
        assert today_in_china() == day
        assert now_in_china().date() == day


def test_now_is_aware_and_eight_hours_ahead_of_utc() -> None:
    with time_machine.travel(datetime(2026, 7, 1, 1, 0, tzinfo=UTC), tick=False):
        now = now_in_china()
    assert now.tzinfo is CHINA_TZ and now.utcoffset() == timedelta(hours=8)
    assert (now.hour, now.minute) == (9, 0)
