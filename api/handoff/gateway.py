"""The chat gateway's check for conversations handed to people (called by api.chat.service.converse).

The gateway is async and the database sync: the check runs in the thread pool
with its own short transaction, committed before the reply goes out.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.db import utcnow
from api.handoff.service import paused_reply, record_message


def _record(sessions: sessionmaker[Session], sender: str, text: str) -> str | None:
    with sessions() as session, session.begin():
        ticket = record_message(session, sender=sender, text=text, now=utcnow())
        return paused_reply(ticket.number) if ticket is not None else None


async def handoff_reply(sessions: sessionmaker[Session], *, sender: str, text: str) -> str | None:
    """When `sender` is paused: add `text` to its ticket and return the reply; otherwise None."""
    return await run_in_threadpool(_record, sessions, sender, text)
