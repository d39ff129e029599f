"""Pausing a conversation when it becomes a ticket, and handing it back to the bot.

While paused, what the claimant writes is added to the ticket (a `claimant_message`
event) instead of going to the dialogue engine, and the claimant is told the
ticket number and when the answer is due. The answer (resolve) releases the
conversation by itself; staff may also release it from the console (audited).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.tickets.deadlines import deadline_phrase
from api.tickets.enums import TicketAction
from api.tickets.handoff.models import ConversationPause
from api.tickets.models import Ticket
from api.tickets.transitions import transition

MAX_MESSAGE_CHARS = 1000


def paused_reply(ticket: Ticket, *, now: datetime) -> str:
    # The deadline, not "尽快": the claimant knows when to expect the answer, and that it ends the wait.
    when = f"会在{deadline_phrase(now, ticket.respond_by)}" if ticket.respond_by > now else "会尽快"
    return f"您的留言已转给工作人员（工单号 {ticket.number}），{when}答复您。答复后我会继续为您服务。"


def active_pause(session: Session, *, sender: str) -> ConversationPause | None:
    return session.scalar(
        select(ConversationPause).where(ConversationPause.sender == sender, ConversationPause.released_at.is_(None))
    )


def is_paused(session: Session, sender: str) -> Ticket | None:
    """The ticket that holds this conversation, or None when the bot may answer."""
    pause = active_pause(session, sender=sender)
    return session.get(Ticket, pause.ticket_id) if pause else None


def pause(session: Session, *, sender: str, ticket: Ticket, now: datetime) -> ConversationPause:
    """Pause `sender` for `ticket`; a conversation already paused stays with its first ticket."""
    existing = active_pause(session, sender=sender)
    if existing is not None:
        return existing
    row = ConversationPause(sender=sender, ticket_id=ticket.id, paused_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Another request paused the same conversation at the same moment.
        found = active_pause(session, sender=sender)
        assert found is not None
        return found
    return row


def record_message(session: Session, *, sender: str, text: str, now: datetime) -> Ticket | None:
    """If `sender` is paused, add the message to its ticket and return the ticket; else None."""
    ticket = is_paused(session, sender)
    if ticket is None:
        return None
    transition(
        session,
        ticket,
        action=TicketAction.claimant_message,
        actor=f"claimant:{sender}",
        now=now,
        note=text[:MAX_MESSAGE_CHARS],
        data={"sender": sender},
    )
    return ticket


def release(session: Session, *, ticket: Ticket, actor: str, now: datetime, note: str | None = None) -> int:
    """Hand every conversation held by `ticket` back to the bot; returns how many were released."""
    pauses = list(
        session.scalars(
            select(ConversationPause).where(
                ConversationPause.ticket_id == ticket.id, ConversationPause.released_at.is_(None)
            )
        )
    )
    if not pauses:
        return 0
    for row in pauses:
        row.released_at = now
        row.released_by = actor
    transition(
        session,
        ticket,
        action=TicketAction.release_conversation,
        actor=actor,
        now=now,
        note=note,
        data={"count": len(pauses)},
        audit={"paused": 0},
        audit_before={"paused": len(pauses)},
        audit_action="handoff.release",
    )
    return len(pauses)
