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
    assert [r.sms_template for r in rows] == ["TICKET_CREATED", "TICKET_ANSWERED", "REPLY_POINTER", "REPLY_POINTER"]
    # One date format everywhere: the template's date is the chat's "15个工作日内（3月23日前）".
    assert rows[0].sms_params == {"number": ticket.number, "respond_by": "3月23日"}
    assert "15个工作日内（3月23日前）" in rows[0].text
    assert rows[1].sms_params == {"number": ticket.number, "summary": "单位已更正离职原因，请重新申领"}
    assert rows[2].sms_params == {"summary": "请回复满意、基本满意或不满意评价"}
    assert ticket.number in rows[0].text and "已办结" in rows[3].text
    # Nobody rated in the chat: the 回访 does not thank them for a rating.
    assert "感谢您的回访评价" not in rows[3].text and "评价" not in rows[3].text


def test_web_claimant_gets_the_full_answer(session: Session) -> None:
    sender = "web:progress-test"
    ticket = new_ticket(session, sender=sender)
    for step in (actions.accept, actions.start):
        step(session, ticket=ticket, actor=ACTOR, now=NOW)
    answer = "您的离职原因已由单位更正为合同到期，请在三个工作日后重新提交申领。" * 2
    actions.resolve(session, ticket=ticket, actor=ACTOR, answer=answer, now=NOW, sms=None)
    session.flush()
    rows = _sent(session, sender)
    texts = [r.text for r in rows]
    assert texts[0].startswith(f"您的诉求已受理（工单号 {ticket.number}）")
    assert texts[1].endswith(answer) and rows[1].author == "staff"
    assert "智能客服已回到对话" in texts[2] and rows[2].author is None
    assert rows[2].quick_replies == ["满意", "基本满意", "不满意"]


def test_no_sender_no_message(session: Session) -> None:
    before = session.scalars(select(OutboundMessage.id)).all()
    new_ticket(session)
    session.flush()
    assert session.scalars(select(OutboundMessage.id)).all() == before
