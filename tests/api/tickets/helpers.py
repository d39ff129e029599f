from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from api.tickets.limits import load_limits
from api.tickets.models import Ticket
from api.tickets.schemas import TicketCreate
from api.tickets.service import create_ticket
from tests.api.staff.fixtures import TICKET, UNIT

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 2026-03-02 09:00 in Beijing


def new_ticket(session: Session, *, now: datetime = NOW, unit: str = UNIT, **overrides: Any) -> Ticket:
    body = TicketCreate.model_validate({**TICKET, **overrides})
    ticket = create_ticket(session, body=body, actor="test", owner_unit=unit, now=now, limits=load_limits(), sms=None)
    session.flush()
    return ticket
