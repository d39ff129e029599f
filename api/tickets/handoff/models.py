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


class ConversationRating(Base):
    """The rating asked for when a ticket was answered; open (done_at null) until the claimant rates.

    stage "rating" waits for 满意/基本满意/不满意; "reason" waits for why a 不满意.
    """

    __tablename__ = "conversation_ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender: Mapped[str] = mapped_column(String(160))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    stage: Mapped[str] = mapped_column(String(10))
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (
        Index(
            "uq_conversation_ratings_open_sender",
            "sender",
            unique=True,
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
        Index("ix_conversation_ratings_ticket_id", "ticket_id"),
    )
