"""Channel records: inbound de-duplication, last contact per sender, durable outbound messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.channels.enums import OutboundStatus
from api.db import Base, UtcDateTime, utcnow


class InboundMessage(Base):
    """One platform delivery id (WeChat MsgId, SMS sequence_id) seen once.

    Used for de-duplication when no Redis is configured: the unique key makes the
    second insert of a retried delivery fail, whichever process receives it.
    """

    __tablename__ = "channel_inbound"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20))
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_channel_inbound_expires_at", "expires_at"),
    )


class ChannelContact(Base):
    """When a sender last wrote to us: WeChat allows customer-service messages for 48 hours after."""

    __tablename__ = "channel_contacts"

    sender: Mapped[str] = mapped_column(String(160), primary_key=True)
    last_inbound_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Customer-service messages sent since last_inbound_at (WeChat caps them per window).
    sent_in_window: Mapped[int] = mapped_column(Integer, default=0)


class OutboundMessage(Base):
    __tablename__ = "outbound_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sender: Mapped[str] = mapped_column(String(160))
    channel: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    sms_template: Mapped[str | None] = mapped_column(String(40), nullable=True)
    sms_params: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=OutboundStatus.queued)
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # Why it was queued, e.g. "wx-answer:<MsgId>"; queuing the same key twice returns the first row.
    dedup_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # "staff" for a staff member's answer (the chat page labels it 工作人员); None: the assistant.
    author: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # Answers the chat page offers as buttons (满意/基本满意/不满意).
    quick_replies: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)

    __table_args__ = (
        UniqueConstraint("dedup_key"),
        Index("ix_outbound_messages_status", "status", "next_attempt_at"),
        Index("ix_outbound_messages_sender", "sender", "id"),
    )
