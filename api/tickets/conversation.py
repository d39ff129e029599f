"""One conversation as the service recorded it, for the console's conversation page.

What the service holds for a sender: the transcript saved when the conversation became a ticket
(on each ticket of that sender), what the claimant wrote while it waited for staff
(claimant_message events) and every message sent to them (the outbound queue). Reading it is
audited (console.conversation_view).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import record_audit
from api.channels.models import OutboundMessage
from api.channels.outbound import sent_to
from api.tickets import search, service
from api.tickets.enums import TicketAction
from api.tickets.models import Ticket, TicketEvent

SENDER_TICKETS = 50


@dataclass(frozen=True)
class Conversation:
    ticket: Ticket  # the one it was reached from
    tickets: list[Ticket]  # every ticket of the same sender, oldest first (just `ticket` without a sender)
    waiting: list[TicketEvent]  # what the claimant wrote while waiting for staff
    sent: list[OutboundMessage]  # messages to the claimant, newest first


def read_conversation(session: Session, *, ref: str, actor: str, now: datetime, limit: int) -> Conversation:
    """The conversation of ticket `ref` (id or number), at most `limit` events and messages."""
    ticket = service.get_ticket(session, ref=ref)
    tickets = [ticket]
    if ticket.sender:
        tickets, _ = service.list_queue(
            session, statuses=None, overdue=None, now=now, limit=SENDER_TICKETS, search=search.of_sender(ticket.sender)
        )
        tickets = sorted(tickets, key=lambda t: t.id)
    record_audit(
        session,
        actor=actor,
        action="console.conversation_view",
        entity_type="ticket",
        entity_id=ticket.id,
        after={"tickets": [t.id for t in tickets]},
    )
    waiting = session.scalars(
        select(TicketEvent)
        .where(
            TicketEvent.ticket_id.in_([t.id for t in tickets]),
            TicketEvent.action == TicketAction.claimant_message.value,
        )
        .limit(limit)
    )
    return Conversation(
        ticket=ticket,
        tickets=tickets,
        waiting=list(waiting),
        sent=sent_to(session, sender=ticket.sender or "", limit=limit),
    )
