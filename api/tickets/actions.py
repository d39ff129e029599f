"""What staff do to a ticket: sign for it, handle it, answer, follow up, transfer, extend, remind.

Each function checks who may act (首接负责: only the owning unit handles its
tickets; nobody approves their own extension), moves the ticket through the one
transition function, which writes the event and the audit row together. Services never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from api.auth import Caller
from api.notify import SmsProvider
from api.privacy import mask_text
from api.staff.duties import ensure_not_own_request
from api.tickets.deadlines import compute_deadlines, deadline_after, extend
from api.tickets.enums import Satisfaction, TicketAction, TicketStatus
from api.tickets.errors import (
    ExtensionPending,
    NoChannel,
    NoExtensionPending,
    NotOwnerUnit,
    NotPaused,
    NotSent,
    SameUnit,
)
from api.tickets.handoff import rating
from api.tickets.handoff import service as handoff
from api.tickets.limits import TicketLimits
from api.tickets.models import Ticket
from api.tickets.progress import Kind, interim_text, tell_claimant
from api.tickets.transitions import check, transition


@dataclass(frozen=True)
class Actor:
    caller: Caller
    unit: str | None  # None for integrations
    display_name: str | None = None

    @property
    def name(self) -> str:
        return self.caller.actor


def _owning_unit(ticket: Ticket, actor: Actor) -> None:
    if actor.caller.is_integration:
        return
    if actor.unit != ticket.owner_unit:
        raise NotOwnerUnit(ticket.number, ticket.owner_unit)


def accept(session: Session, *, ticket: Ticket, actor: Actor, now: datetime) -> Ticket:
    _owning_unit(ticket, actor)
    check(ticket, TicketAction.accept)
    ticket.assignee_staff_id = actor.caller.staff_id
    ticket.assignee_name = actor.display_name or actor.caller.name
    if ticket.first_accepted_at is None:
        ticket.first_accepted_at = now
    transition(
        session,
        ticket,
        action=TicketAction.accept,
        actor=actor.name,
        now=now,
        data={"on_time": now <= ticket.accept_by},
        audit={},
    )
    return ticket


def start(session: Session, *, ticket: Ticket, actor: Actor, now: datetime) -> Ticket:
    _owning_unit(ticket, actor)
    check(ticket, TicketAction.start)
    if ticket.assignee_staff_id is None:
        ticket.assignee_staff_id = actor.caller.staff_id
        ticket.assignee_name = actor.display_name or actor.caller.name
    transition(session, ticket, action=TicketAction.start, actor=actor.name, now=now, audit={})
    return ticket


def catch_up(session: Session, *, ticket: Ticket, actor: Actor, now: datetime) -> list[TicketAction]:
    """签收 and 开始办理 where the ticket has not had them yet (an answer given at once, on the call):
    each still its own event with its own time. What was done, in order."""
    done = []
    if ticket.status == TicketStatus.received:
        accept(session, ticket=ticket, actor=actor, now=now)
        done.append(TicketAction.accept)
    if ticket.status in (TicketStatus.accepted, TicketStatus.reopened):
        start(session, ticket=ticket, actor=actor, now=now)
        done.append(TicketAction.start)
    return done


def resolve(
    session: Session, *, ticket: Ticket, actor: Actor, answer: str, now: datetime, sms: SmsProvider | None
) -> Ticket:
    _owning_unit(ticket, actor)
    check(ticket, TicketAction.resolve)
    ticket.answer = answer.strip()
    ticket.responded_at = now
    transition(
        session,
        ticket,
        action=TicketAction.resolve,
        actor=actor.name,
        now=now,
        note=ticket.answer,
        data={"on_time": now <= ticket.respond_by},
        audit={},
    )
    tell_claimant(session, ticket=ticket, kind="answered", sms=sms)
    # The answer ends the hand-off: the assistant is back, says so and asks for the claimant's rating.
    handoff.release(session, ticket=ticket, actor=actor.name, now=now, note="工单已答复，会话交还智能客服")
    if rating.ask(session, ticket=ticket, now=now) is not None:
        tell_claimant(session, ticket=ticket, kind="rate", sms=sms)
    return ticket


def interim_reply(
    session: Session, *, ticket: Ticket, actor: Actor, text: str, now: datetime, sms: SmsProvider | None
) -> Ticket:
    """A message to the claimant before the answer ("已联系单位核实，请您耐心等待"), on the same
    outbound path as the answer; the ticket keeps its status and deadlines. Masked as the event is."""
    _owning_unit(ticket, actor)
    check(ticket, TicketAction.interim_reply)
    if not ticket.sender:
        raise NoChannel()
    text = mask_text(text.strip())
    event = transition(
        session, ticket, action=TicketAction.interim_reply, actor=actor.name, now=now, note=text, audit={}
    )
    session.flush()  # the event's id keys the message: each interim reply is sent once
    sent = tell_claimant(
        session,
        ticket=ticket,
        kind="interim",
        sms=sms,
        text=interim_text(ticket, text),
        dedup=f"ticket:{ticket.id}:interim:{event.id}",
    )
    if not sent:
        raise NotSent()
    return ticket


def follow_up(
    session: Session,
    *,
    ticket: Ticket,
    actor: Actor,
    satisfaction: Satisfaction,
    solved: bool,
    note: str | None,
    now: datetime,
    limits: TicketLimits,
    sms: SmsProvider | None,
) -> Ticket:
    """回访: satisfied (or basically) closes the ticket; unsatisfied reopens it (重办) with new deadlines.

    A rating the claimant gave in the chat stays the ticket's satisfaction (the 满意率 is the
    claimant's word); the operator's choice then only decides closing or reopening.
    """
    _owning_unit(ticket, actor)
    action = TicketAction.reopen if satisfaction is Satisfaction.unsatisfied else TicketAction.close
    check(ticket, action)
    if ticket.satisfaction_by != "claimant":
        ticket.satisfaction = satisfaction.value
        ticket.satisfaction_by = "staff"
    ticket.solved = solved
    data: dict[str, object] = {"satisfaction": satisfaction.value, "solved": solved}
    if action is TicketAction.reopen:
        stages = limits.for_ticket(ticket.category, ticket.urgency)
        fresh = compute_deadlines(now, stages, day_ends=limits.working_day_ends)
        ticket.respond_by, ticket.resolve_by = fresh.respond_by, fresh.resolve_by
        ticket.deadlines_provisional = ticket.deadlines_provisional or fresh.provisional
        ticket.reopened_count += 1
        ticket.overdue_marked_for = ticket.reminded_for = None
        data["respond_by"] = fresh.respond_by.isoformat()
    else:
        ticket.closed_at = now
    transition(
        session,
        ticket,
        action=action,
        actor=actor.name,
        now=now,
        note=note,
        data=data,
        audit={"satisfaction": satisfaction.value, "solved": solved},
    )
    if action is TicketAction.close:
        handoff.release(session, ticket=ticket, actor=actor.name, now=now, note="工单办结，会话交还智能客服")
    kind: Kind = "closed" if action is TicketAction.close else "reopened"
    tell_claimant(session, ticket=ticket, kind=kind, sms=sms, now=now)
    return ticket


def transfer(
    session: Session,
    *,
    ticket: Ticket,
    actor: Actor,
    to_unit: str,
    reason: str,
    now: datetime,
    limits: TicketLimits,
) -> Ticket:
    _owning_unit(ticket, actor)
    to_unit = to_unit.strip()
    if to_unit == ticket.owner_unit:
        raise SameUnit()
    from_unit = ticket.owner_unit
    check(ticket, TicketAction.transfer)
    stages = limits.for_ticket(ticket.category, ticket.urgency)
    ticket.accept_by, _ = deadline_after(now, stages.accept, day_ends=limits.working_day_ends)
    ticket.owner_unit = to_unit
    ticket.assignee_staff_id = ticket.assignee_name = None
    ticket.overdue_marked_for = ticket.reminded_for = None
    transition(
        session,
        ticket,
        action=TicketAction.transfer,
        actor=actor.name,
        now=now,
        note=reason,
        data={"from_unit": from_unit, "to_unit": to_unit},
        audit={"from_unit": from_unit, "to_unit": to_unit},
    )
    return ticket


def request_extension(
    session: Session, *, ticket: Ticket, actor: Actor, working_days: int, reason: str, now: datetime
) -> Ticket:
    _owning_unit(ticket, actor)
    check(ticket, TicketAction.request_extension)
    if ticket.extension_requested_by:
        raise ExtensionPending()
    ticket.extension_requested_by = actor.name
    ticket.extension_working_days = working_days
    ticket.extension_reason = reason
    transition(
        session,
        ticket,
        action=TicketAction.request_extension,
        actor=actor.name,
        now=now,
        note=reason,
        data={"working_days": working_days},
        audit={"working_days": working_days},
    )
    return ticket


def decide_extension(
    session: Session,
    *,
    ticket: Ticket,
    actor: Actor,
    grant: bool,
    note: str | None,
    now: datetime,
    limits: TicketLimits,
) -> Ticket:
    action = TicketAction.grant_extension if grant else TicketAction.deny_extension
    _owning_unit(ticket, actor)
    check(ticket, action)
    if not ticket.extension_requested_by or not ticket.extension_working_days:
        raise NoExtensionPending()
    ensure_not_own_request(requester_actor=ticket.extension_requested_by, approver=actor.caller, what="延期申请")
    days = ticket.extension_working_days
    data: dict[str, object] = {"working_days": days, "requested_by": ticket.extension_requested_by}
    if grant:
        ticket.respond_by, p1 = extend(ticket.respond_by, days, day_ends=limits.working_day_ends)
        ticket.resolve_by, p2 = extend(ticket.resolve_by, days, day_ends=limits.working_day_ends)
        ticket.deadlines_provisional = ticket.deadlines_provisional or p1 or p2
        ticket.extensions_granted += 1
        ticket.overdue_marked_for = ticket.reminded_for = None
        data["respond_by"] = ticket.respond_by.isoformat()
    ticket.extension_requested_by = ticket.extension_working_days = ticket.extension_reason = None
    transition(
        session, ticket, action=action, actor=actor.name, now=now, note=note, data=data, audit={"working_days": days}
    )
    return ticket


def remind(session: Session, *, ticket: Ticket, actor: Actor, note: str | None, now: datetime) -> Ticket:
    """催办 by a supervisor (any unit: the one above may press the owning unit)."""
    check(ticket, TicketAction.remind)
    transition(
        session,
        ticket,
        action=TicketAction.remind,
        actor=actor.name,
        now=now,
        note=note,
        data={"due_at": ticket.due_at.isoformat() if ticket.due_at else None},
        audit={},
    )
    return ticket


def add_note(session: Session, *, ticket: Ticket, actor: Actor, note: str, now: datetime) -> Ticket:
    transition(session, ticket, action=TicketAction.note, actor=actor.name, now=now, note=note, audit={})
    return ticket


def release_conversation(session: Session, *, ticket: Ticket, actor: Actor, note: str | None, now: datetime) -> int:
    """Hand the ticket's paused conversation back to the bot (409 when nothing is paused)."""
    _owning_unit(ticket, actor)
    released = handoff.release(session, ticket=ticket, actor=actor.name, now=now, note=note)
    if released == 0:
        raise NotPaused()
    return released
