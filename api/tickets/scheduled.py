"""Scheduled work: mark overdue tickets and send reminders (催办) as deadlines near.

Both are safe to re-run: a stage is marked or reminded once (the ticket remembers
which stage), so a second run at the same moment writes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.tickets.enums import TicketAction, TicketStatus
from api.tickets.limits import TicketLimits
from api.tickets.models import Ticket
from api.tickets.transitions import stage_of, transition

SYSTEM_ACTOR = "system:scheduler"
STAGE_LABELS = {"accept": "签收", "respond": "答复", "resolve": "办结"}


def mark_overdue(session: Session, *, now: datetime) -> int:
    """Mark every ticket past the deadline of its current stage; returns how many were marked now."""
    stmt = select(Ticket).where(
        Ticket.status != TicketStatus.closed.value, Ticket.due_at.is_not(None), Ticket.due_at < now
    )
    marked = 0
    for ticket in session.scalars(stmt):
        stage = stage_of(ticket.status)
        if stage is None or ticket.overdue_marked_for == stage:
            continue
        ticket.overdue = True
        ticket.overdue_marked_for = stage
        assert ticket.due_at is not None
        transition(
            session,
            ticket,
            action=TicketAction.mark_overdue,
            actor=SYSTEM_ACTOR,
            now=now,
            note=f"超过{STAGE_LABELS[stage]}时限",
            data={"stage": stage, "due_at": ticket.due_at.isoformat()},
            audit={"stage": stage},
        )
        marked += 1
    return marked


def _lead(limits: TicketLimits, ticket: Ticket, stage: str) -> timedelta:
    stages = limits.for_ticket(ticket.category, ticket.urgency)
    limit = {"accept": stages.accept, "respond": stages.respond, "resolve": stages.resolve}[stage]
    if limit.hours is not None:
        return timedelta(minutes=limits.reminder.before_hours_limit_minutes)
    return timedelta(hours=limits.reminder.before_working_days_limit_hours)


def send_reminders(session: Session, *, now: datetime, limits: TicketLimits) -> int:
    """催办 tickets whose current deadline falls within the reminder lead; returns how many."""
    longest = max(
        timedelta(minutes=limits.reminder.before_hours_limit_minutes),
        timedelta(hours=limits.reminder.before_working_days_limit_hours),
    )
    stmt = select(Ticket).where(
        Ticket.status != TicketStatus.closed.value, Ticket.due_at >= now, Ticket.due_at <= now + longest
    )
    reminded = 0
    for ticket in session.scalars(stmt):
        stage = stage_of(ticket.status)
        if stage is None or ticket.reminded_for == stage or ticket.due_at is None:
            continue
        if ticket.due_at - now > _lead(limits, ticket, stage):
            continue
        ticket.reminded_for = stage
        transition(
            session,
            ticket,
            action=TicketAction.remind,
            actor=SYSTEM_ACTOR,
            now=now,
            note=f"{STAGE_LABELS[stage]}时限将到",
            data={"stage": stage, "due_at": ticket.due_at.isoformat()},
        )
        reminded += 1
    return reminded
