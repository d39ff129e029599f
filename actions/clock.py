"""China's clock for the action server: the one zone replies and check-in months are in.

The API and policy_kb share policy_kb/clock.py; the action server may not import
policy_kb (its image ships neither api nor policy_kb, tests/test_layers.py), so
this is its own copy. A fixed UTC+8 is exact for China (no daylight saving since
1991) and needs no time-zone database in the image.
"""

from __future__ import annotations

from datetime import timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
