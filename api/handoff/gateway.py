"""The chat gateway's check for conversations handed to people (called by api.chat.service.converse),
and for the rating of a staff answer.

The gateway is async and the database sync: the check runs in the thread pool
with its own short transaction, committed before the reply goes out.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.db import utcnow
from api.handoff.rating import rating_reply
from api.handoff.service import paused_reply, record_message


def _record(sessions: sessionmaker[Session], sender: str, text: str) -> str | None:
    now = utcnow()
    with sessions() as session, session.begin():
        ticket = record_message(session, sender=sender, text=text, now=now)
        if ticket is not None:
            return paused_reply(ticket, now=now)
        return rating_reply(session, sender=sender, text=text, now=now)


async def handoff_reply(sessions: sessionmaker[Session], *, sender: str, text: str) -> str | None:
    """When `sender` is paused: add `text` to its ticket and return the reply; when the assistant
    asked for a rating of a staff answer and `text` is one: record it and return the reply;
    otherwise None (the message goes to the assistant)."""
    return await run_in_threadpool(_record, sessions, sender, text)
