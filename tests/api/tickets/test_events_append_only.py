"""No interface can rewrite a ticket's history: the database refuses UPDATE and DELETE of events."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from api.tickets.models import TicketEvent
from tests.api.tickets.helpers import new_ticket


def test_events_cannot_be_updated(session: Session) -> None:
    ticket = new_ticket(session)
    with pytest.raises(DatabaseError, match="append-only"), session.begin_nested():
        session.execute(update(TicketEvent).where(TicketEvent.ticket_id == ticket.id).values(note="改写"))


def test_events_cannot_be_deleted(session: Session) -> None:
    ticket = new_ticket(session)
    with pytest.raises(DatabaseError, match="append-only"), session.begin_nested():
        session.execute(delete(TicketEvent).where(TicketEvent.ticket_id == ticket.id))


def test_raw_sql_is_refused_too(session: Session) -> None:
    new_ticket(session)
    with pytest.raises(DatabaseError, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE ticket_events SET actor = 'someone else'"))


def test_no_route_changes_or_deletes_events() -> None:
    from api.main import create_app

    for route in create_app().routes:
        path = getattr(route, "path", "")
        methods = getattr(route, "methods", set()) or set()
        if "event" in path:
            assert methods <= {"GET", "HEAD"}, path
        if path.startswith("/v1/tickets"):
            assert not methods & {"PUT", "PATCH", "DELETE"}, path
