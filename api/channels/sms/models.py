"""Which mobile a pseudonymous SMS sender is (api/channels/sms/senders.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UtcDateTime, utcnow


class SmsSender(Base):
    __tablename__ = "sms_senders"

    sender: Mapped[str] = mapped_column(String(160), primary_key=True)  # "sms:p…", never the mobile
    phone: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
