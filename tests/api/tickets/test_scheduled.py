"""Overdue marking and reminders (催办): right tickets, once, safe to re-run; the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import make_engine, make_sessionmaker
from api.migrate import upgrade
from api.tickets.limits import load_limits
from api.tickets.models import TicketEvent
from api.tickets.scheduled import mark_overdue, send_reminders
from tests.api.tickets.helpers import NOW, new_ticket

ROOT = Path(__file__).resolve().parents[3]


def _actions(session: Session, ticket_id: int) -> list[str]:
    return list(
        session.scalars(select(TicketEvent.action).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id))
    )


def test_mark_overdue_once_per_stage(session: Session) -> None:
    ticket = new_ticket(session)
    later = NOW + timedelta(hours=3)  # past the 2-hour acceptance limit
    mark_overdue(session, now=NOW + timedelta(hours=1))  # within the limit
    assert ticket.overdue is False and "mark_overdue" not in _actions(session, ticket.id)
    mark_overdue(session, now=later)
    assert ticket.overdue is True and ticket.overdue_marked_for == "accept"
    count = _actions(session, ticket.id).count("mark_overdue")
    mark_overdue(session, now=later)  # re-run: nothing new
    assert _actions(session, ticket.id).count("mark_overdue") == count == 1
    event = session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.action == "mark_overdue")
    ).one()
    assert event.actor == "system:scheduler" and event.data == {
        "stage": "accept",
        "due_at": ticket.accept_by.isoformat(),
    }


def test_reminder_before_the_deadline_once(session: Session) -> None:
    limits = load_limits()
    ticket = new_ticket(session)
    assert ticket.due_at is not None
    send_reminders(session, now=ticket.due_at - timedelta(hours=1), limits=limits)
    assert "remind" not in _actions(session, ticket.id)  # more than 30 minutes left on a 2-hour limit
    send_reminders(session, now=ticket.due_at - timedelta(minutes=20), limits=limits)
    send_reminders(session, now=ticket.due_at - timedelta(minutes=10), limits=limits)
    assert _actions(session, ticket.id).count("remind") == 1
    assert ticket.reminded_for == "accept"


def test_cli_marks_overdue_and_is_safe_to_rerun(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    upgrade(url=url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session, session.begin():
        old = new_ticket(session, now=NOW)  # long past every deadline
        ticket_id = old.id
    env = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "test", "PYTHONPATH": str(ROOT)}
    outputs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "api.tickets", "mark-overdue"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        outputs.append(done.stdout.strip())
    with make_sessionmaker(engine)() as session:
        assert _actions(session, ticket_id).count("mark_overdue") == 1
    engine.dispose()
    assert outputs[0].startswith("标记超期工单 ") and outputs[1] == "标记超期工单 0 件"
