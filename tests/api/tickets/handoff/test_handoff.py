"""A ticket with a sender pauses that conversation; staff hand it back to the bot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from api.audit.models import AuditEvent
from api.channels.models import OutboundMessage
from api.chat.rasa_client import RasaClient
from api.chat.service import UNAVAILABLE_REPLY, converse
from api.tickets.handoff.service import is_paused
from api.tickets.models import TicketEvent
from tests.api.staff.fixtures import TICKET, login
from tests.api.tickets.helpers import new_ticket


def _chat(client: TestClient, sender: str, text: str) -> str:
    r = client.post("/v1/chat", json={"sender": sender, "message": text})
    assert r.status_code == 200, r.text
    return "\n".join(m["text"] for m in r.json()["messages"])


def test_paused_conversation_goes_to_the_ticket_not_the_bot(
    staff_client: TestClient, auth_headers: dict[str, str], session: Session
) -> None:
    assert (
        _chat(staff_client, "h-free-0123456789ab", "你好") == UNAVAILABLE_REPLY
    )  # not paused: sent to the (down) engine
    t = staff_client.post("/v1/tickets", json={**TICKET, "sender": "web:h-1-0123456789ab"}, headers=auth_headers).json()
    assert t["conversation_paused"] is True
    reply = _chat(staff_client, "h-1-0123456789ab", "我还想补充一下单位还拖欠我两个月工资")
    assert reply.startswith(f"您的留言已转给工作人员（工单号 {t['number']}），会在")
    assert "个工作日内（" in reply and "尽快" not in reply
    event = session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == t["id"], TicketEvent.action == "claimant_message")
    ).one()
    assert event.note == "我还想补充一下单位还拖欠我两个月工资" and event.actor == "claimant:web:h-1-0123456789ab"
    assert _chat(staff_client, "h-other-0123456789ab", "你好") == UNAVAILABLE_REPLY  # other conversations untouched


def test_staff_release_hands_back_to_the_bot(
    staff_client: TestClient, auth_headers: dict[str, str], make_staff: Callable[..., object], session: Session
) -> None:
    make_staff("op1", "operator")
    make_staff("far", "operator", unit="别的单位")
    login(staff_client, "op1")
    t = staff_client.post("/v1/tickets", json={**TICKET, "sender": "web:h-2-0123456789ab"}).json()
    login(staff_client, "far")
    assert staff_client.post(f"/v1/tickets/{t['id']}/release", json={}).status_code == 403
    login(staff_client, "op1")
    r = staff_client.post(f"/v1/tickets/{t['id']}/release", json={"note": "已电话答复"})
    assert r.status_code == 200 and r.json()["conversation_paused"] is False
    assert r.json()["events"][-1]["action"] == "release_conversation"
    assert _chat(staff_client, "h-2-0123456789ab", "还有一个问题") == UNAVAILABLE_REPLY
    assert staff_client.post(f"/v1/tickets/{t['id']}/release", json={}).status_code == 409
    audit = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "handoff.release", AuditEvent.entity_id == str(t["id"]))
    ).one()
    assert audit.actor == "staff:op1"


def _answered(staff_client: TestClient, sender: str) -> str:
    n = staff_client.post("/v1/tickets", json={**TICKET, "sender": f"web:{sender}"}).json()["number"]
    for step in ("accept", "start"):
        staff_client.post(f"/v1/tickets/{n}/{step}")
    r = staff_client.post(f"/v1/tickets/{n}/resolve", json={"answer": "已为您更正离职原因，请重新申领"})
    assert r.status_code == 200, r.text
    return str(n)


def test_the_answer_ends_the_hand_off(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    make_staff("op1", "operator")
    login(staff_client, "op1")
    n = _answered(staff_client, "h-3-0123456789ab")
    assert staff_client.get(f"/v1/tickets/{n}").json()["conversation_paused"] is False
    # The next question goes to the assistant (here: down), not "工作人员会尽快联系您".
    assert _chat(staff_client, "h-3-0123456789ab", "好的谢谢。那我1月份怎么办理核验？") == UNAVAILABLE_REPLY
    events = [e["action"] for e in staff_client.get(f"/v1/tickets/{n}").json()["events"]]
    assert events[-1] == "release_conversation" and "claimant_message" not in events


def test_the_claimant_rates_the_answer_in_the_chat(
    staff_client: TestClient, make_staff: Callable[..., object], session: Session
) -> None:
    make_staff("op1", "operator")
    login(staff_client, "op1")
    n = _answered(staff_client, "h-4-0123456789ab")
    assert "原因" in _chat(staff_client, "h-4-0123456789ab", "不满意")
    noted = _chat(staff_client, "h-4-0123456789ab", "还是没到账，电话13800001234打不通")
    assert noted.startswith("已记下您的意见") and n in noted
    t = staff_client.get(f"/v1/tickets/{n}").json()
    assert (t["satisfaction"], t["satisfaction_by"]) == ("unsatisfied", "claimant")
    assert "13800001234" not in t["satisfaction_reason"] and "还是没到账" in t["satisfaction_reason"]
    assert [e["action"] for e in t["events"]][-2:] == ["claimant_rating", "claimant_rating"]
    stats = staff_client.get("/v1/tickets/stats").json()
    assert stats["satisfaction_rate"]["denominator"] == 1 and stats["rated_by_claimant"] == 1
    # Rated and done: the next message is the assistant's again.
    assert _chat(staff_client, "h-4-0123456789ab", "满意") == UNAVAILABLE_REPLY
    # The operator's 回访 keeps the claimant's word and thanks them for it.
    body = staff_client.post(f"/v1/tickets/{n}/follow-up", json={"satisfaction": "satisfied", "solved": True}).json()
    assert (body["satisfaction"], body["satisfaction_by"], body["status"]) == ("unsatisfied", "claimant", "closed")
    last = session.scalars(
        select(OutboundMessage).where(OutboundMessage.sender == "web:h-4-0123456789ab").order_by(OutboundMessage.id)
    ).all()[-1]
    assert last.text.startswith("感谢您的评价。") and "回访评价" not in last.text


def test_a_question_is_not_a_rating_and_the_rating_stays_open(
    staff_client: TestClient, make_staff: Callable[..., object]
) -> None:
    make_staff("op1", "operator")
    login(staff_client, "op1")
    n = _answered(staff_client, "h-5-0123456789ab")
    assert _chat(staff_client, "h-5-0123456789ab", "满意度是什么意思") == UNAVAILABLE_REPLY
    assert "感谢您的评价" in _chat(staff_client, "h-5-0123456789ab", "基本满意！")
    t = staff_client.get(f"/v1/tickets/{n}").json()
    assert (t["satisfaction"], t["satisfaction_by"], t["satisfaction_reason"]) == (
        "basically_satisfied",
        "claimant",
        None,
    )


def test_the_claimant_can_ask_for_a_person_again(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    make_staff("op1", "operator")
    login(staff_client, "op1")
    first = _answered(staff_client, "h-6-0123456789ab")
    second = staff_client.post("/v1/tickets", json={**TICKET, "sender": "web:h-6-0123456789ab"}).json()
    assert second["number"] != first and second["conversation_paused"] is True
    assert second["number"] in _chat(staff_client, "h-6-0123456789ab", "还有一件事")


def test_the_operator_follow_up_without_a_claimant_rating(
    staff_client: TestClient, make_staff: Callable[..., object], session: Session
) -> None:
    make_staff("op1", "operator")
    login(staff_client, "op1")
    n = _answered(staff_client, "h-7-0123456789ab")
    body = staff_client.post(f"/v1/tickets/{n}/follow-up", json={"satisfaction": "satisfied", "solved": True}).json()
    assert (body["satisfaction"], body["satisfaction_by"]) == ("satisfied", "staff")
    mine = OutboundMessage.sender == "web:h-7-0123456789ab"
    texts = session.scalars(select(OutboundMessage.text).where(mine).order_by(OutboundMessage.id)).all()
    assert "已办结" in texts[-1] and "评价" not in texts[-1]


def test_a_conversation_stays_with_its_first_ticket(session: Session) -> None:
    first = new_ticket(session, sender="wx:o-handoff")
    new_ticket(session, sender="wx:o-handoff")
    held = is_paused(session, "wx:o-handoff")
    assert held is not None and held.id == first.id
    assert is_paused(session, "wx:o-nobody") is None


def test_every_channel_takes_the_same_path(session: Session, connection: Connection) -> None:
    ticket = new_ticket(session, sender="sms:13700001111")
    session.flush()
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)

    async def run() -> str:
        rasa = RasaClient("http://127.0.0.1:9", token="unused", timeout=1)
        try:
            replies = await converse(
                rasa,
                sender="sms:13700001111",
                text="我的事办得怎么样了",
                channel="sms",
                sessions=factory,
                secret_key="test-secret-key",
            )
        finally:
            await rasa.aclose()
        return replies[0].text

    assert ticket.number in asyncio.run(run())
