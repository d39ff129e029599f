"""The web chat's records: which browser a sender belongs to (owners.py), what the page showed (history.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UtcDateTime, utcnow


class WebChatOwner(Base):
    __tablename__ = "web_chat_owners"

    sender: Mapped[str] = mapped_column(String(160), primary_key=True)
    # SHA-256 of the browser's session cookie: the cookie itself is not stored.
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WebChatTurn(Base):
    """One bubble of a web chat conversation, as the page showed it: the chat page's history.

    The claimant's text is stored as its own bubble showed it (ID numbers, mobile numbers and a
    code typed in answer to a code request masked), never in clear; rows older than
    api/chat/history.RETENTION are not shown and are purged nightly.
    """

    __tablename__ = "web_chat_turns"
    __table_args__ = (Index("ix_web_chat_turns_sender_id", "sender", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender: Mapped[str] = mapped_column(String(160))
    # "claimant" or "assistant"; staff answers stay in outbound_messages (author "staff").
    author: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    quick_replies: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
