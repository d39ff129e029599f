"""Two staff members signing for the same ticket at once: one wins, the other is told it moved on."""

from __future__ import annotations

import threading
import time
import uuid

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from api.auth import Caller
from api.db import make_sessionmaker
from api.errors import ConflictError
from api.tickets import actions, service
from api.tickets.actions import Actor
from api.tickets.models import TicketEvent
from tests.api.staff.fixtures import UNIT
from tests.api.tickets.helpers import NOW, new_ticket


def test_concurrent_accept_moves_the_ticket_once(engine: Engine) -> None:
    factory = make_sessionmaker(engine)
    with factory() as session, session.begin():
        ticket_id = new_ticket(session, summary=f"并发签收 {uuid.uuid4().hex[:8]}").id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def take(name: str) -> None:
        actor = Actor(caller=Caller(kind="staff", name=name, roles=frozenset({"operator"})), unit=UNIT)
        session: Session = factory()
        try:
            barrier.wait()
            with session.begin():
                ticket = service.get_ticket(session, ref=ticket_id, lock=True)
                time.sleep(0.2)  # hold the row while the other one tries
                actions.accept(session, ticket=ticket, actor=actor, now=NOW)
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        except OperationalError:
            outcomes.append("database busy")
        finally:
            session.close()

    threads = [threading.Thread(target=take, args=(f"op{i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # The lock serialises the two: the second waits, then sees "accepted" and is refused.
    assert sorted(outcomes) == ["conflict", "ok"], outcomes
    with factory() as session:
        accepts = session.scalar(
            select(func.count())
            .select_from(TicketEvent)
            .where(TicketEvent.ticket_id == ticket_id, TicketEvent.action == "accept")
        )
    assert accepts == 1
