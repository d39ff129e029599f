"""Working a ticket from its page: 签收并开始办理 in one step, an answer given at once, interim replies."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.channels.models import OutboundMessage
from api.tickets.models import TicketEvent
from tests.api.staff.fixtures import console_login


def _ticket(client: TestClient, csrf: str, phone: str = "13800001234") -> int:
    form = {"csrf": csrf, "category": "consultation", "region": "天津", "summary": "问审核进度", "phone": phone}
    page = client.post("/console/tickets", data=form)
    found = re.search(r'action="/console/tickets/(\d+)/do/', page.text)
    assert found, page.text
    return int(found.group(1))


def _events(session: Session, ticket_id: int) -> list[str]:
    rows = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id))
    return [e.action for e in rows]


def test_take_signs_for_and_starts_in_one_post(
    staff_client: TestClient, make_staff: Callable[..., object], session: Session
) -> None:
    make_staff("op1", "operator")
    csrf = console_login(staff_client, "op1")
    tid = _ticket(staff_client, csrf)
    page = staff_client.get(f"/console/tickets/{tid}").text
    assert 'data-action="take"' in page and 'data-action="resolve"' in page and 'id="resolve-steps"' in page
    page = staff_client.post(f"/console/tickets/{tid}/do/take", data={"csrf": csrf}).text
    assert "已签收并开始办理" in page and ">办理中</span>" in page
    assert _events(session, tid) == ["create", "accept", "start"]


def test_an_answer_given_at_once_records_each_step(
    staff_client: TestClient, make_staff: Callable[..., object], session: Session
) -> None:
    make_staff("op1", "operator")
    csrf = console_login(staff_client, "op1")
    tid = _ticket(staff_client, csrf)
    page = staff_client.post(f"/console/tickets/{tid}/do/resolve", data={"csrf": csrf, "answer": "审核需7个工作日"})
    assert "已签收、已开始办理、已答复诉求人" in page.text and "已答复待回访" in page.text
    assert _events(session, tid)[:4] == ["create", "accept", "start", "resolve"]
    short = _ticket(staff_client, csrf)
    page = staff_client.post(f"/console/tickets/{short}/do/resolve", data={"csrf": csrf, "answer": ""})
    assert "请填写答复内容" in page.text and _events(session, short) == ["create"]  # nothing half-done


def test_interim_reply_goes_out_like_the_answer_and_is_recorded(
    staff_client: TestClient, make_staff: Callable[..., object], session: Session
) -> None:
    make_staff("op1", "operator")
    csrf = console_login(staff_client, "op1")
    tid = _ticket(staff_client, csrf)
    staff_client.post(f"/console/tickets/{tid}/do/take", data={"csrf": csrf})
    text = "已联系单位核实，请您留意电话 13912345678"
    page = staff_client.post(f"/console/tickets/{tid}/do/interim", data={"csrf": csrf, "message": text}).text
    assert "已发送给诉求人" in page and ">办理中</span>" in page  # status kept
    staff_client.post(f"/console/tickets/{tid}/do/interim", data={"csrf": csrf, "message": "还在核实中"})
    sent = session.scalars(
        select(OutboundMessage).where(OutboundMessage.sender == "sms:13800001234").order_by(OutboundMessage.id)
    ).all()
    interim = [m for m in sent if m.dedup_key and ":interim:" in m.dedup_key]
    assert len(interim) == 2 and all(m.author == "staff" for m in interim)
    assert "已联系单位核实" in interim[0].text and "13912345678" not in interim[0].text  # masked as recorded
    assert "办理完成后我们会再答复您" in interim[0].text
    assert _events(session, tid)[-2:] == ["interim_reply", "interim_reply"]
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "ticket.interim_reply")).all()
    assert len(audit) == 2 and audit[0].actor == "staff:op1" and audit[0].after["status"] == "in_progress"
    assert "回复诉求人" in staff_client.get(f"/console/tickets/{tid}").text  # in 办理记录
    assert (
        "请填写要发给诉求人的内容"
        in staff_client.post(f"/console/tickets/{tid}/do/interim", data={"csrf": csrf, "message": " "}).text
    )


def test_interim_reply_needs_a_channel(
    staff_client: TestClient, make_staff: Callable[..., object], session: Session
) -> None:
    make_staff("op1", "operator")
    csrf = console_login(staff_client, "op1")
    form = {"csrf": csrf, "category": "consultation", "region": "天津", "summary": "电话咨询"}
    tid = int(re.search(r"/console/tickets/(\d+)/do/", staff_client.post("/console/tickets", data=form).text).group(1))  # type: ignore[union-attr]
    assert 'data-action="interim"' not in staff_client.get(f"/console/tickets/{tid}").text
    page = staff_client.post(f"/console/tickets/{tid}/do/interim", data={"csrf": csrf, "message": "您好"}).text
    assert "没有可在线回复的渠道" in page and _events(session, tid) == ["create"]
