"""Creating a ticket, marking it overdue and handing its conversation back write their event and
audit row together, in the one shape every ticket step has (before and after hold the status)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import list_audit
from api.tickets.handoff import service as handoff
from api.tickets.models import TicketEvent
from api.tickets.scheduled import SYSTEM_ACTOR, mark_overdue
from tests.api.staff.fixtures import UNIT
from tests.api.tickets.helpers import NOW, new_ticket


def _trail(session: Session, ticket_id: int) -> list[tuple[str, str, object, object]]:
    rows = list_audit(session, entity_type="ticket", entity_id=ticket_id)
    return [(r.action, r.actor, r.before, r.after) for r in rows]


def _events(session: Session, ticket_id: int) -> list[str]:
    stmt = select(TicketEvent.action).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
    return list(session.scalars(stmt))


def test_create_audits_the_final_number_with_the_status(session: Session) -> None:
    ticket = new_ticket(session)
    assert ticket.number.startswith("GD")
    assert _events(session, ticket.id) == ["create"]
    assert _trail(session, ticket.id) == [
        (
            "ticket.create",
            "test",
            {"status": None},
            {
                "status": "received",
                "number": ticket.number,
                "category": ticket.category,
                "urgency": ticket.urgency,
                "owner_unit": UNIT,
            },
        )
    ]


def test_mark_overdue_audits_the_stage_with_the_status(session: Session) -> None:
    ticket = new_ticket(session)
    created = len(_trail(session, ticket.id))
    assert mark_overdue(session, now=NOW + timedelta(hours=3)) >= 1  # past the 2-hour acceptance limit
    session.flush()
    assert _events(session, ticket.id)[-1] == "mark_overdue"
    assert _trail(session, ticket.id)[created:] == [
        ("ticket.mark_overdue", SYSTEM_ACTOR, {"status": "received"}, {"status": "received", "stage": "accept"})
    ]


def test_release_keeps_its_audit_name_and_counts_the_pauses(session: Session) -> None:
    ticket = new_ticket(session, sender="web:audit-shape-0123456789ab")
    created = len(_trail(session, ticket.id))
    assert handoff.release(session, ticket=ticket, actor="staff:op1", now=NOW) == 1
    session.flush()
    assert _events(session, ticket.id)[-1] == "release_conversation"
    assert _trail(session, ticket.id)[created:] == [
        ("handoff.release", "staff:op1", {"status": "received", "paused": 1}, {"status": "received", "paused": 0})
    ]
    assert handoff.release(session, ticket=ticket, actor="staff:op1", now=NOW) == 0  # nothing held: nothing written
    session.flush()
    assert len(_trail(session, ticket.id)) == created + 1
