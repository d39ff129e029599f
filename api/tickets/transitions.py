"""The ticket status machine: ONE table of allowed transitions and ONE function that performs them.

Every change to a ticket goes through `transition()`, which refuses what the table
does not allow (409, in Chinese) and appends the event row (who, when, from, to, note);
a step the audit trail keeps (every staff action, creating a ticket, marking it overdue, handing
its conversation back) also passes `audit`, and the audit row is written with the event
(api.audit.record_transition, the helper claims and back-pay use too).
Actions that record something without changing the status (催办, 延期, 备注, …)
map a status to itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from api.audit import record_transition
from api.tickets.enums import ACTION_LABELS, STATUS_LABELS, TicketAction, TicketStatus
from api.tickets.errors import InvalidTicketTransition
from api.tickets.models import Ticket, TicketEvent

A, S = TicketAction, TicketStatus
_OPEN = (S.received, S.accepted, S.in_progress, S.reopened)
_WORKING = (S.accepted, S.in_progress, S.reopened)
_NOT_CLOSED = (*_OPEN, S.resolved)
_ALL = tuple(S)


def _same(*statuses: TicketStatus) -> dict[TicketStatus | None, TicketStatus]:
    return {s: s for s in statuses}


# action → {from status → to status}. `None` is "no ticket yet".
TRANSITIONS: dict[TicketAction, dict[TicketStatus | None, TicketStatus]] = {
    A.create: {None: S.received},
    A.accept: {S.received: S.accepted},
    A.start: {S.accepted: S.in_progress, S.reopened: S.in_progress},
    A.resolve: {S.in_progress: S.resolved},
    A.close: {S.resolved: S.closed},
    A.reopen: {S.resolved: S.reopened},
    # 首接负责: only a transfer with a reason hands the ticket to another unit, which signs for it anew.
    A.transfer: {s: S.received for s in _OPEN},
    A.request_extension: _same(*_WORKING),
    A.grant_extension: _same(*_WORKING),
    A.deny_extension: _same(*_WORKING),
    A.remind: _same(*_NOT_CLOSED),
    A.mark_overdue: _same(*_NOT_CLOSED),
    A.note: _same(*_ALL),
    A.claimant_message: _same(*_ALL),
    A.release_conversation: _same(*_ALL),
    A.claimant_rating: _same(*_ALL),
    # A message to the claimant while the ticket is handled; the answer (resolve) is still due.
    A.interim_reply: _same(*_NOT_CLOSED),
}


def allowed(action: TicketAction, status: TicketStatus | None) -> TicketStatus | None:
    """The status `action` leads to from `status`, or None when it is not allowed."""
    return TRANSITIONS[action].get(status)


def allowed_actions(status: TicketStatus) -> list[TicketAction]:
    return [a for a, moves in TRANSITIONS.items() if status in moves and a is not A.create]


def due_for(ticket: Ticket) -> datetime | None:
    """The deadline of the ticket's current stage."""
    status = TicketStatus(ticket.status)
    if status is S.received:
        return ticket.accept_by
    if status in _WORKING:
        return ticket.respond_by
    if status is S.resolved:
        return ticket.resolve_by
    return None


def stage_of(status: TicketStatus | str) -> str | None:
    """The deadline kind that applies in `status` (accept, respond, resolve)."""
    status = TicketStatus(status)
    if status is S.received:
        return "accept"
    if status in _WORKING:
        return "respond"
    if status is S.resolved:
        return "resolve"
    return None


def check(ticket: Ticket, action: TicketAction) -> TicketStatus:
    """The status `action` leads to; 409 with a Chinese message when the table forbids it."""
    current = TicketStatus(ticket.status) if ticket.status else None
    target = allowed(action, current)
    if target is None:
        now_label = STATUS_LABELS[current] if current else "未受理"
        raise InvalidTicketTransition(ticket.number or "", now_label, ACTION_LABELS[action])
    return target


def transition(
    session: Session,
    ticket: Ticket,
    *,
    action: TicketAction,
    actor: str,
    now: datetime,
    note: str | None = None,
    data: dict[str, Any] | None = None,
    audit: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
    audit_before: dict[str, Any] | None = None,
    audit_action: str | None = None,
) -> TicketEvent:
    """Move `ticket` by `action` (or refuse with 409) and append the event row.

    `audit` (what the audit row adds after the status; ``{}`` for nothing more) also writes the
    audit row `ticket.<action>`; None for what only the ticket's own history keeps (a claimant's
    message, a 催办). A callable is read once the ticket is stored, for what the insert decides (a
    new ticket's number comes from its id). `audit_before` adds to the row's before the same way;
    `audit_action` keeps a row older than this helper under its own name (``handoff.release``), the
    one the stored trail and the console's labels use. Callers that change deadlines call `check()`
    first, change them, then this.
    """
    current = TicketStatus(ticket.status) if ticket.status else None
    target = check(ticket, action)
    ticket.status = target.value
    ticket.due_at = due_for(ticket)
    if ticket.id is None:
        session.flush()
    event = TicketEvent(
        ticket_id=ticket.id,
        at=now,
        actor=actor,
        action=action.value,
        from_status=current.value if current else None,
        to_status=target.value,
        note=note,
        data=data,
    )
    if audit is None:
        session.add(event)
        return event
    record_transition(
        session,
        event=event,
        actor=actor,
        action=audit_action or f"ticket.{action.value}",
        entity_type="ticket",
        entity_id=ticket.id,
        before={"status": current.value if current else None, **(audit_before or {})},
        after={"status": target.value, **(audit() if callable(audit) else audit)},
    )
    return event
