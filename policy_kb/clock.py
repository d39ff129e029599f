"""China's clock: the one time zone the service lives in, and "now" and "today" there.

Claimants, offices, deadlines and reports all count days in Beijing time, while the
database stores UTC. This module sits in policy_kb, the lowest layer, so that every
package allowed to import policy_kb (api, bench, scripts) shares one definition
(tests/test_layers.py). The action server may not import it and keeps its own copy in
actions/clock.py.

The rule engine itself never reads the clock (the date is an input); `today_in_china`
is for the callers that pick that date.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

# One offset all year (UTC+8, no daylight saving since 1991); a named zone rather than a
# fixed offset so that the name is right wherever it is printed or compared.
CHINA_TZ = ZoneInfo("Asia/Shanghai")


def now_in_china() -> datetime:
    """The current moment, as an aware time in Beijing time."""
    return datetime.now(CHINA_TZ)


def today_in_china() -> date:
    """Today's date in China: the default "as of" of a request that names no date."""
    return now_in_china().date()


def china_date(at: datetime) -> date:
    """The calendar date in China of an aware moment (a UTC timestamp from the database, say)."""
    return at.astimezone(CHINA_TZ).date()
