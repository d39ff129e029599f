"""The chat gateway's check for conversations handed to people (called by api.chat.service.converse),
and for the rating of a staff answer.

The check is sync, with its own short transaction committed before the reply goes out;
the gateway runs it in the thread pool together with its other database step of the turn
(one hop, not one each).
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from api.db import utcnow
from api.tickets.handoff.rating import rating_reply
from api.tickets.handoff.service import paused_reply, record_message


def held_reply(sessions: sessionmaker[Session], *, sender: str, text: str) -> str | None:
    """When `sender` is paused: add `text` to its ticket and return the reply; when the assistant
    asked for a rating of a staff answer and `text` is one: record it and return the reply;
    otherwise None (the message goes to the assistant)."""
    now = utcnow()
    with sessions() as session, session.begin():
        ticket = record_message(session, sender=sender, text=text, now=now)
        if ticket is not None:
            return paused_reply(ticket, now=now)
        return rating_reply(session, sender=sender, text=text, now=now)
