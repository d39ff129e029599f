"""Every action from every status: the allowed ones move the ticket and write one event, the rest are 409."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.audit import list_audit
from api.audit.models import AuditEvent
from api.errors import ConflictError
from api.tickets.enums import STATUS_LABELS, TicketAction, TicketStatus
from api.tickets.models import TicketEvent
from api.tickets.transitions import TRANSITIONS, allowed_actions, transition
from tests.api.tickets.helpers import NOW, new_ticket

R, AC, IP, RS, CL, RO = (
    "received",
    "accepted",
    "in_progress",
    "resolved",
    "closed",
    "reopened",
)
# Written out by hand (not read from TRANSITIONS) so a change to the table fails here.
EXPECTED: dict[str, dict[str, str]] = {
    "accept": {R: AC},
    "start": {AC: IP, RO: IP},
    "resolve": {IP: RS},
    "close": {RS: CL},
    "reopen": {RS: RO},
    "transfer": {R: R, AC: R, IP: R, RO: R},
    "request_extension": {AC: AC, IP: IP, RO: RO},
    "grant_extension": {AC: AC, IP: IP, RO: RO},
    "deny_extension": {AC: AC, IP: IP, RO: RO},
    "remind": {R: R, AC: AC, IP: IP, RO: RO, RS: RS},
    "mark_overdue": {R: R, AC: AC, IP: IP, RO: RO, RS: RS},
    "note": {s: s for s in (R, AC, IP, RS, CL, RO)},
    "claimant_message": {s: s for s in (R, AC, IP, RS, CL, RO)},
    "release_conversation": {s: s for s in (R, AC, IP, RS, CL, RO)},
    "claimant_rating": {s: s for s in (R, AC, IP, RS, CL, RO)},
    "interim_reply": {s: s for s in (R, AC, IP, RS, RO)},
}
ACTIONS = [a for a in TicketAction if a is not TicketAction.create]


def _events(session: Session, ticket_id: int) -> int:
    return session.scalar(select(func.count()).select_from(TicketEvent).where(TicketEvent.ticket_id == ticket_id)) or 0


def test_the_table_is_the_expected_one() -> None:
    table = {a.value: {str(k): v.value for k, v in moves.items()} for a, moves in TRANSITIONS.items()}
    assert table.pop("create") == {"None": "received"}
    assert table == EXPECTED


@pytest.mark.parametrize("status", list(TicketStatus), ids=lambda s: s.value)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.value)
def test_every_action_from_every_status(session: Session, action: TicketAction, status: TicketStatus) -> None:
    ticket = new_ticket(session)
    ticket.status = status.value  # put the ticket in the status under test
    session.flush()
    before = _events(session, ticket.id)
    expected = EXPECTED[action.value].get(status.value)
    if expected is None:
        with pytest.raises(ConflictError) as caught:
            transition(session, ticket, action=action, actor="staff:t", now=NOW, note="x")
        assert caught.value.status_code == 409
        assert caught.value.code == "invalid_transition"
        assert f"当前状态为“{STATUS_LABELS[status.value]}”" in caught.value.message
        session.flush()
        assert ticket.status == status.value
        assert _events(session, ticket.id) == before
    else:
        event = transition(session, ticket, action=action, actor="staff:t", now=NOW, note="说明")
        session.flush()
        assert ticket.status == expected
        assert (event.from_status, event.to_status, event.actor, event.note) == (
            status.value,
            expected,
            "staff:t",
            "说明",
        )
        assert _events(session, ticket.id) == before + 1


def test_create_only_from_nothing(session: Session) -> None:
    ticket = new_ticket(session)
    first = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)).one()
    assert (first.action, first.from_status, first.to_status) == ("create", None, "received")
    with pytest.raises(ConflictError):
        transition(session, ticket, action=TicketAction.create, actor="t", now=NOW)


def test_due_at_follows_the_stage(session: Session) -> None:
    ticket = new_ticket(session)
    assert ticket.due_at == ticket.accept_by
    for action, due in [("accept", "respond_by"), ("start", "respond_by"), ("resolve", "resolve_by")]:
        transition(session, ticket, action=TicketAction(action), actor="t", now=NOW)
        assert ticket.due_at == getattr(ticket, due)
    transition(session, ticket, action=TicketAction.close, actor="t", now=NOW)
    assert ticket.due_at is None


def test_allowed_actions_lists_what_the_page_offers() -> None:
    assert allowed_actions(TicketStatus.received) == [
        TicketAction.accept,
        TicketAction.transfer,
        TicketAction.remind,
        TicketAction.mark_overdue,
        TicketAction.note,
        TicketAction.claimant_message,
        TicketAction.release_conversation,
        TicketAction.claimant_rating,
        TicketAction.interim_reply,
    ]
    assert TicketAction.accept not in allowed_actions(TicketStatus.closed)


def _audit_rows(session: Session, ticket_id: int) -> list[AuditEvent]:
    return list_audit(session, entity_type="ticket", entity_id=ticket_id)


def test_a_staff_action_writes_its_event_and_audit_row_together(session: Session) -> None:
    ticket = new_ticket(session)
    audited = len(_audit_rows(session, ticket.id))
    event = transition(session, ticket, action=TicketAction.accept, actor="staff:a", now=NOW, audit={"on_time": True})
    session.flush()
    rows = _audit_rows(session, ticket.id)[audited:]
    assert [(r.action, r.actor, r.before, r.after) for r in rows] == [
        ("ticket.accept", "staff:a", {"status": "received"}, {"status": "accepted", "on_time": True})
    ]
    assert (event.from_status, event.to_status, event.id is not None) == ("received", "accepted", True)


def test_without_audit_only_the_ticket_history_keeps_it(session: Session) -> None:
    ticket = new_ticket(session)
    audited = len(_audit_rows(session, ticket.id))
    transition(session, ticket, action=TicketAction.claimant_message, actor="claimant:web:x", now=NOW, note="还在吗")
    session.flush()
    assert len(_audit_rows(session, ticket.id)) == audited


def test_a_refused_move_writes_neither(session: Session) -> None:
    ticket = new_ticket(session)
    events, audited = _events(session, ticket.id), len(_audit_rows(session, ticket.id))
    with pytest.raises(ConflictError):
        transition(session, ticket, action=TicketAction.close, actor="staff:a", now=NOW, audit={})
    session.flush()
    assert (_events(session, ticket.id), len(_audit_rows(session, ticket.id))) == (events, audited)
