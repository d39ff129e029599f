"""The claimant hears of progress on their own channel: number at creation, the answer, the follow-up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import Caller
from api.channels.models import OutboundMessage
from api.tickets import actions
from api.tickets.actions import Actor
from api.tickets.enums import Satisfaction
from api.tickets.limits import load_limits
from tests.api.staff.fixtures import UNIT
from tests.api.tickets.helpers import NOW, new_ticket

ACTOR = Actor(caller=Caller(kind="staff", name="op", roles=frozenset({"operator"}), staff_id=None), unit=UNIT)


def _sent(session: Session, sender: str) -> list[OutboundMessage]:
    return list(
        session.scalars(select(OutboundMessage).where(OutboundMessage.sender == sender).order_by(OutboundMessage.id))
    )


def test_sms_claimant_gets_templated_messages(session: Session) -> None:
    sender = "sms:13900002222"
    ticket = new_ticket(session, sender=sender)
    for step in (actions.accept, actions.start):
        step(session, ticket=ticket, actor=ACTOR, now=NOW)
    actions.resolve(session, ticket=ticket, actor=ACTOR, answer="单位已更正离职原因，请重新申领", now=NOW, sms=None)
    actions.follow_up(
        session,
        ticket=ticket,
        actor=ACTOR,
        satisfaction=Satisfaction.satisfied,
        solved=True,
        note=None,
        now=NOW,
        limits=load_limits(),
        sms=None,
    )
    session.flush()
    rows = _sent(session, sender)
    assert [r.sms_template for r in rows] == ["TICKET_CREATED", "TICKET_ANSWERED", "REPLY_POINTER"]
    assert rows[0].sms_params == {"number": ticket.number, "respond_by": "2026-03-23 23:59"}
    assert rows[1].sms_params == {"number": ticket.number, "summary": "单位已更正离职原因，请重新申领"}
    assert ticket.number in rows[0].text and "已办结" in rows[2].text


def test_web_claimant_gets_the_full_answer(session: Session) -> None:
    sender = "web:progress-test"
    ticket = new_ticket(session, sender=sender)
    for step in (actions.accept, actions.start):
        step(session, ticket=ticket, actor=ACTOR, now=NOW)
    answer = "您的离职原因已由单位更正为合同到期，请在三个工作日后重新提交申领。" * 2
    actions.resolve(session, ticket=ticket, actor=ACTOR, answer=answer, now=NOW, sms=None)
    session.flush()
    texts = [r.text for r in _sent(session, sender)]
    assert texts[0].startswith(f"您的诉求已受理，工单号 {ticket.number}")
    assert texts[1].endswith(answer)


def test_no_sender_no_message(session: Session) -> None:
    before = session.scalars(select(OutboundMessage.id)).all()
    new_ticket(session)
    session.flush()
    assert session.scalars(select(OutboundMessage.id)).all() == before
