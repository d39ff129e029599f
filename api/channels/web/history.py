"""The web chat page's history: what a conversation showed, so a reload shows it again.

Every turn through POST /v1/chat stores the claimant's bubble and the replies. The claimant's
text is stored as its own bubble showed it (`masked_for_display`: ID numbers, mobile numbers and
a code typed while a code challenge was pending, masked), so the history never holds, and never
returns, a number in clear. Staff answers and other later messages are the page's outbox
(outbound_messages, api/channels/outbound.py) and are merged in when read.

Retention: a conversation's history is shown for RETENTION after each bubble (at most
MAX_SHOWN bubbles, the latest), and the nightly purge deletes older rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.channels.models import OutboundMessage
from api.channels.web.models import WebChatTurn
from api.chat.schemas import ChatMessage
from api.db import utcnow
from api.privacy import mask_text

RETENTION = timedelta(days=7)
MAX_SHOWN = 100


@dataclass(frozen=True)
class Bubble:
    author: str  # claimant | assistant | staff
    text: str
    created_at: datetime
    quick_replies: list[str]


def record_turn(session: Session, *, sender: str, shown: str, replies: list[ChatMessage]) -> None:
    """Store one turn: the claimant's bubble as shown (already masked) and the replies. The caller commits."""
    now = utcnow()
    if shown:
        session.add(WebChatTurn(sender=sender, author="claimant", text=shown, created_at=now))
    for reply in replies:
        # The engine never means to show a number in clear; masking here keeps an echo from doing so.
        session.add(
            WebChatTurn(
                sender=sender,
                author="assistant",
                text=mask_text(reply.text),
                quick_replies=list(reply.quick_replies) or None,
                created_at=now,
            )
        )
    session.flush()


def recent(session: Session, *, sender: str, now: datetime | None = None) -> list[Bubble]:
    """The sender's bubbles of the last RETENTION, oldest first, at most MAX_SHOWN."""
    since = (now or utcnow()) - RETENTION
    turns = session.scalars(
        select(WebChatTurn)
        .where(WebChatTurn.sender == sender, WebChatTurn.created_at >= since)
        .order_by(WebChatTurn.id.desc())
        .limit(MAX_SHOWN)
    )
    later = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.sender == sender, OutboundMessage.created_at >= since)
        .order_by(OutboundMessage.id.desc())
        .limit(MAX_SHOWN)
    )
    ordered = [((t.created_at, 0, t.id), Bubble(t.author, t.text, t.created_at, t.quick_replies or [])) for t in turns]
    ordered += [
        ((m.created_at, 1, m.id), Bubble(m.author or "assistant", m.text, m.created_at, m.quick_replies or []))
        for m in later
    ]
    # By time, then by row: one turn's bubbles share a timestamp, the claimant's row comes first.
    ordered.sort(key=lambda pair: pair[0])
    return [bubble for _, bubble in ordered[-MAX_SHOWN:]]


def last_outbox_id(session: Session, *, sender: str) -> int:
    """The sender's newest later message: the page, having shown the history, polls after it."""
    return int(session.scalar(select(func.max(OutboundMessage.id)).where(OutboundMessage.sender == sender)) or 0)


def purge(session: Session, *, now: datetime) -> int:
    """Delete the bubbles past retention (the nightly purge, api/reminders/scheduled.py)."""
    result = session.execute(delete(WebChatTurn).where(WebChatTurn.created_at < now - RETENTION))
    return int(result.rowcount)  # type: ignore[attr-defined]
