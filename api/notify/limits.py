"""The providers' per-mobile frequency limits, checked before sending.

Aliyun and Tencent both refuse more than a few messages to one number per 30 seconds,
hour and day (verification codes: 1 / 5 / 10 by default; configurable in their consoles,
so in our settings too). Counting our own recent sends to the mobile lets a message
that would be refused wait (status retry) instead of being burnt on a provider error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.db import utcnow
from api.notify.models import SmsMessage
from api.settings import Settings

# Rows that reached (or may have reached) the provider count against its limits.
_COUNTED = ("sent",)


@dataclass(frozen=True)
class MobileLimits:
    per_30s: int
    per_hour: int
    per_day: int

    @classmethod
    def from_settings(cls, settings: Settings) -> MobileLimits:
        return cls(settings.sms_per_mobile_per_30s, settings.sms_per_mobile_per_hour, settings.sms_per_mobile_per_day)

    def exceeded(self, session: Session, phone: str) -> str | None:
        """The window whose limit sending now would exceed, or None."""
        now = utcnow()
        for name, window, limit in (
            ("30s", timedelta(seconds=30), self.per_30s),
            ("hour", timedelta(hours=1), self.per_hour),
            ("day", timedelta(days=1), self.per_day),
        ):
            count = session.scalar(
                select(func.count())
                .select_from(SmsMessage)
                .where(SmsMessage.phone == phone, SmsMessage.status.in_(_COUNTED), SmsMessage.created_at > now - window)
            )
            if (count or 0) >= limit:
                return name
        return None
