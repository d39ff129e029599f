"""Conversations handed to people: while a pause is active the bot does not answer that sender."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UtcDateTime, utcnow


class ConversationPause(Base):
    __tablename__ = "conversation_pauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender: Mapped[str] = mapped_column(String(160))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    paused_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    released_by: Mapped[str | None] = mapped_column(String(120), nullable=True)

    __table_args__ = (
        # At most one active pause per conversation.
        Index(
            "uq_conversation_pauses_active_sender",
            "sender",
            unique=True,
            sqlite_where=text("released_at IS NULL"),
            postgresql_where=text("released_at IS NULL"),
        ),
        Index("ix_conversation_pauses_ticket_id", "ticket_id"),
    )
