"""Creating, reading and listing tickets (the staff queue)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from api.notify import SmsProvider
from api.policy.regions import place_named
from api.privacy import mask_text
from api.tickets.deadlines import compute_deadlines
from api.tickets.enums import ACTION_LABELS, STATUS_LABELS, TicketAction, TicketStatus
from api.tickets.errors import BadStatusFilter, TicketNotFound
from api.tickets.handoff import service as handoff
from api.tickets.handoff.models import ConversationPause
from api.tickets.limits import TicketLimits
from api.tickets.models import Ticket, TicketEvent
from api.tickets.progress import respond_within, tell_claimant
from api.tickets.schemas import (
    EventRead,
    ExtensionRead,
    TicketCreate,
    TicketDetail,
    TicketRead,
)
from api.tickets.transitions import allowed_actions, transition
from api.vocab import Channel
from policy_kb.clock import CHINA_TZ
from policy_kb.schemas import Region

MAX_PAGE = 200
MAX_ID = 2**31 - 1  # integer keys: anything larger names no row (and would overflow PostgreSQL)


def _transcript(body: TicketCreate, now: datetime) -> list[dict[str, Any]]:
    if body.transcript is None:
        return []
    if isinstance(body.transcript, str):
        stamp = now.astimezone(CHINA_TZ).isoformat()
        return [{"role": "record", "text": body.transcript, "at": stamp}] if body.transcript else []
    return [{"role": line.role, "text": line.text, "at": _stamp(line.at)} for line in body.transcript]


def _stamp(at: datetime | None) -> str | None:
    return at.astimezone(CHINA_TZ).isoformat() if at is not None and at.tzinfo is not None else None


def ticket_number(ticket: Ticket) -> str:
    """GD + the date it was received (Beijing time) + a serial: GD20260302000123."""
    return f"GD{ticket.created_at.astimezone(CHINA_TZ):%Y%m%d}{ticket.id:06d}"


def create_ticket(
    session: Session,
    *,
    body: TicketCreate,
    actor: str,
    owner_unit: str,
    now: datetime,
    limits: TicketLimits,
    sms: SmsProvider | None,
) -> Ticket:
    region = place_named(region=body.region)
    stages = limits.for_ticket(body.category, body.urgency)
    deadlines = compute_deadlines(now, stages, day_ends=limits.working_day_ends)
    ticket = Ticket(
        number=f"tmp-{uuid.uuid4().hex}",
        category=body.category.value,
        urgency=body.urgency.value,
        channel=body.channel.value,
        region_code=region.code,
        region_name=region.name,
        claim_id=body.claim_id,
        sender=body.sender,
        summary=body.summary.strip(),
        transcript=_transcript(body, now),
        owner_unit=owner_unit,
        created_by=actor,
        created_at=now,
        accept_by=deadlines.accept_by,
        respond_by=deadlines.respond_by,
        resolve_by=deadlines.resolve_by,
        deadlines_provisional=deadlines.provisional,
        overdue=False,
        extensions_granted=0,
        reopened_count=0,
    )
    session.add(ticket)
    limits_used = {
        "accept": stages.accept.label,
        "respond": stages.respond.label,
        "resolve": stages.resolve.label,
    }
    transition(
        session,
        ticket,
        action=TicketAction.create,
        actor=actor,
        now=now,
        data={"owner_unit": owner_unit, "limits": limits_used, "provisional": deadlines.provisional},
        # Read once the insert has given the ticket its id, so the audit row names the final number.
        audit=lambda: {
            "number": ticket_number(ticket),
            "category": ticket.category,
            "urgency": ticket.urgency,
            "owner_unit": owner_unit,
        },
    )
    ticket.number = ticket_number(ticket)
    if ticket.sender:
        handoff.pause(session, sender=ticket.sender, ticket=ticket, now=now)
    if not body.acknowledged:  # the assistant's own reply already gave the number: one acknowledgement
        tell_claimant(session, ticket=ticket, kind="created", sms=sms)
    return ticket


def get_ticket(session: Session, *, ref: str | int, lock: bool = False) -> Ticket:
    """A ticket by id or by number (GD…).

    `lock=True` (every action) serialises two staff members acting at once, so the
    second sees the first one's status (a 409, not a double transition): a row lock
    on PostgreSQL; on SQLite, which has no row locks, a no-op write first takes the
    database's write lock before the row is read.
    """
    ticket: Ticket | None
    if lock and session.get_bind().dialect.name == "sqlite":
        by_id = isinstance(ref, int) or str(ref).isdecimal()
        key = Ticket.id == int(ref) if by_id and int(ref) <= MAX_ID else Ticket.number == str(ref).strip().upper()
        session.execute(update(Ticket).where(key).values(id=Ticket.id))
    if isinstance(ref, int) or str(ref).isdecimal():
        ticket = session.get(Ticket, int(ref), with_for_update=lock) if 0 < int(ref) <= MAX_ID else None
    else:
        stmt = select(Ticket).where(Ticket.number == str(ref).strip().upper())
        ticket = session.scalar(stmt.with_for_update() if lock else stmt)
    if ticket is None:
        raise TicketNotFound()
    return ticket


def parse_statuses(raw: str | None) -> list[TicketStatus] | None:
    if not raw:
        return None
    statuses = []
    for part in raw.split(","):
        try:
            statuses.append(TicketStatus(part.strip()))
        except ValueError:
            raise BadStatusFilter([s.value for s in TicketStatus]) from None
    return statuses


def _filters(
    *,
    statuses: Sequence[TicketStatus] | None,
    overdue: bool | None,
    category: str | None,
    now: datetime,
    search: ColumnElement[bool] | None = None,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if statuses:
        conditions.append(Ticket.status.in_([s.value for s in statuses]))
    elif search is None:  # a search finds a caller's closed tickets too
        conditions.append(Ticket.status != TicketStatus.closed.value)
    if search is not None:
        conditions.append(search)
    if overdue is True:
        conditions.append(Ticket.due_at < now)
    elif overdue is False:
        conditions.append((Ticket.due_at.is_(None)) | (Ticket.due_at >= now))
    if category:
        conditions.append(Ticket.category == category)
    return conditions


def list_queue(
    session: Session,
    *,
    statuses: Sequence[TicketStatus] | None,
    overdue: bool | None,
    category: str | None = None,
    now: datetime,
    limit: int = 50,
    offset: int = 0,
    search: ColumnElement[bool] | None = None,
) -> tuple[list[Ticket], int]:
    """The staff queue: open tickets (or those in `statuses`, or matching `search`), nearest deadline first."""
    conditions = _filters(statuses=statuses, overdue=overdue, category=category, now=now, search=search)
    total = session.scalar(select(func.count()).select_from(Ticket).where(*conditions)) or 0
    stmt = (
        select(Ticket)
        .where(*conditions)
        .order_by(Ticket.due_at.asc().nulls_last(), Ticket.id)
        .limit(min(max(limit, 1), MAX_PAGE))
        .offset(max(offset, 0))
    )
    return list(session.scalars(stmt)), total


def newest_ticket_id(session: Session) -> int:
    return int(session.scalar(select(func.max(Ticket.id))) or 0)


def new_since(session: Session, *, since: int) -> tuple[int, int]:
    """(how many tickets arrived after id `since` and still await 签收, how many await 签收 in all).

    The console's new-ticket alert polls this; ids only grow, so "after `since`" is "since the page loaded".
    """
    received = Ticket.status == TicketStatus.received.value
    fresh = session.scalar(select(func.count()).select_from(Ticket).where(received, Ticket.id > since)) or 0
    waiting = session.scalar(select(func.count()).select_from(Ticket).where(received)) or 0
    return int(fresh), int(waiting)


def paused_ticket_ids(session: Session, ticket_ids: Sequence[int]) -> set[int]:
    if not ticket_ids:
        return set()
    stmt = select(ConversationPause.ticket_id).where(
        ConversationPause.ticket_id.in_(ticket_ids), ConversationPause.released_at.is_(None)
    )
    return set(session.scalars(stmt))


def events_of(session: Session, *, ticket_id: int) -> list[TicketEvent]:
    return list(session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)))


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    return ticket.due_at is not None and ticket.due_at < now


def to_read(ticket: Ticket, *, now: datetime, paused: bool) -> TicketRead:
    extension = None
    if ticket.extension_requested_by and ticket.extension_working_days:
        extension = ExtensionRead(
            requested_by=ticket.extension_requested_by,
            working_days=ticket.extension_working_days,
            reason=ticket.extension_reason or "",
        )
    transcript = [{**line, "text": mask_text(str(line.get("text", "")))} for line in ticket.transcript]
    return TicketRead(
        id=ticket.id,
        number=ticket.number,
        category=ticket.category,
        urgency=ticket.urgency,
        channel=Channel(ticket.channel),
        region=Region(code=ticket.region_code, name=ticket.region_name),
        claim_id=ticket.claim_id,
        sender=mask_text(ticket.sender) if ticket.sender else None,
        summary=mask_text(ticket.summary),
        transcript=transcript,
        status=ticket.status,
        status_label=STATUS_LABELS[ticket.status],
        owner_unit=ticket.owner_unit,
        assignee=ticket.assignee_name,
        created_at=ticket.created_at,
        accept_by=ticket.accept_by,
        respond_by=ticket.respond_by,
        resolve_by=ticket.resolve_by,
        deadlines_provisional=ticket.deadlines_provisional,
        due_at=ticket.due_at,
        overdue=is_overdue(ticket, now),
        answer=ticket.answer,
        satisfaction=ticket.satisfaction,
        solved=ticket.solved,
        extension=extension,
        conversation_paused=paused,
        respond_within=respond_within(ticket),
        satisfaction_by=ticket.satisfaction_by,
        satisfaction_reason=mask_text(ticket.satisfaction_reason) if ticket.satisfaction_reason else None,
    )


def to_detail(session: Session, ticket: Ticket, *, now: datetime) -> TicketDetail:
    read = to_read(ticket, now=now, paused=bool(paused_ticket_ids(session, [ticket.id])))
    events = [
        EventRead(
            id=e.id,
            at=e.at,
            actor=e.actor,
            action=e.action,
            action_label=ACTION_LABELS.get(e.action, e.action),
            from_status=e.from_status,
            to_status=e.to_status,
            note=mask_text(e.note) if e.note else None,
            data=e.data,
        )
        for e in events_of(session, ticket_id=ticket.id)
    ]
    actions = [a.value for a in allowed_actions(TicketStatus(ticket.status))]
    return TicketDetail(**dict(read), events=events, allowed_actions=actions)
