"""Which browser session a web chat sender belongs to (api/chat/owners.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UtcDateTime, utcnow


class WebChatOwner(Base):
    __tablename__ = "web_chat_owners"

    sender: Mapped[str] = mapped_column(String(160), primary_key=True)
    # SHA-256 of the browser's session cookie: the cookie itself is not stored.
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
