"""Outbound SMS records. In development the provider only records here (the outbox)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UtcDateTime, utcnow


class SmsMessage(Base):
    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    phone: Mapped[str] = mapped_column(String(20))
    template_code: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(String(500))
    # Why the message was sent, e.g. "reminder:claim-12:2026-03"; a re-run finds it and sends nothing.
    dedup_key: Mapped[str] = mapped_column(String(160))
    # recorded (development outbox) | sent (accepted by the provider) | retry | failed | alert
    # (see api.notify.providers); then the receipt: delivery_status delivered | undelivered.
    status: Mapped[str] = mapped_column(String(20), default="recorded")
    provider: Mapped[str | None] = mapped_column(String(20), nullable=True)
    provider_message_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    delivery_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    delivery_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # Times handed to the provider; a retry row is sent again from next_attempt_at (api.notify.retry).
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (
        UniqueConstraint("dedup_key"),
        Index("ix_sms_outbox_provider_message_id", "provider_message_id"),
        Index("ix_sms_outbox_phone_created_at", "phone", "created_at"),
        Index("ix_sms_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )
