"""The ticket API end to end: lifecycle, forbidden moves, who may do what, the queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from policy_kb.clock import CHINA_TZ
from tests.api.staff.fixtures import TICKET, login

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ)


def _create(client: TestClient, headers: dict[str, str] | None = None, **overrides: object) -> dict:  # type: ignore[type-arg]
    r = client.post("/v1/tickets", json={**TICKET, **overrides}, headers=headers or {})
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_full_lifecycle_with_follow_up(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str], session: Session
) -> None:
    make_staff("op1", "operator")
    t = _create(staff_client, auth_headers)
    assert t["status"] == "received" and t["status_label"] == "待签收"
    assert t["owner_unit"] == "12333热线服务中心"  # channel tickets belong to the intake unit
    login(staff_client, "op1")
    mine = _create(staff_client)  # created by staff: their unit owns it (首接负责)
    assert mine["owner_unit"] == "测试热线中心"
    n = mine["number"]
    assert staff_client.post(f"/v1/tickets/{n}/accept").json()["assignee"] == "测试op1"
    assert staff_client.post(f"/v1/tickets/{n}/start").json()["status"] == "in_progress"
    r = staff_client.post(f"/v1/tickets/{n}/resolve", json={"answer": "已联系单位更正离职原因"})
    assert r.json()["status"] == "resolved" and r.json()["answer"] == "已联系单位更正离职原因"
    r = staff_client.post(f"/v1/tickets/{n}/follow-up", json={"satisfaction": "satisfied", "solved": True})
    body = r.json()
    assert body["status"] == "closed" and body["satisfaction"] == "satisfied" and body["due_at"] is None
    actions = [(e["action"], e["from_status"], e["to_status"], e["actor"]) for e in body["events"]]
    assert actions == [
        ("create", None, "received", "staff:op1"),
        ("accept", "received", "accepted", "staff:op1"),
        ("start", "accepted", "in_progress", "staff:op1"),
        ("resolve", "in_progress", "resolved", "staff:op1"),
        ("close", "resolved", "closed", "staff:op1"),
    ]
    audited = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_type == "ticket", AuditEvent.entity_id == str(mine["id"]))
    ).all()
    assert audited == ["ticket.create", "ticket.accept", "ticket.start", "ticket.resolve", "ticket.close"]


def test_unsatisfied_follow_up_reopens_with_new_deadlines(
    staff_client: TestClient, make_staff: Callable[..., object]
) -> None:
    make_staff("op1", "operator")
    with time_machine.travel(MONDAY, tick=False):
        login(staff_client, "op1")  # sessions are signed with the (travelled) clock
        n = _create(staff_client)["number"]
        for step in ("accept", "start"):
            staff_client.post(f"/v1/tickets/{n}/{step}")
        staff_client.post(f"/v1/tickets/{n}/resolve", json={"answer": "已答复"})
    with time_machine.travel(datetime(2026, 3, 9, 9, 0, tzinfo=CHINA_TZ), tick=False):
        login(staff_client, "op1")
        r = staff_client.post(f"/v1/tickets/{n}/follow-up", json={"satisfaction": "unsatisfied", "solved": False})
        body = r.json()
        assert body["status"] == "reopened" and body["status_label"] == "重办"
        assert body["respond_by"] == "2026-03-30T23:59:00+08:00"  # 15 working days from the reopening
        assert staff_client.post(f"/v1/tickets/{n}/start").json()["status"] == "in_progress"


def test_forbidden_moves_are_409_in_chinese(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    make_staff("op1", "operator")
    login(staff_client, "op1")
    n = _create(staff_client)["number"]
    r = staff_client.post(f"/v1/tickets/{n}/resolve", json={"answer": "直接答复"})
    assert r.status_code == 409
    assert r.json()["error"] == {
        "code": "invalid_transition",
        "message": f"工单{n}当前状态为“待签收”，不能“答复”",
        "fields": {},
    }
    staff_client.post(f"/v1/tickets/{n}/accept")
    assert staff_client.post(f"/v1/tickets/{n}/accept").status_code == 409
    r = staff_client.post(f"/v1/tickets/{n}/follow-up", json={"satisfaction": "satisfied", "solved": True})
    assert r.status_code == 409 and "不能“回访办结”" in r.json()["error"]["message"]
    assert staff_client.post(f"/v1/tickets/{n}/release", json={}).status_code == 409  # nothing paused


def test_anonymous_and_wrong_roles(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str]
) -> None:
    assert staff_client.get("/v1/tickets").status_code == 401
    assert staff_client.post("/v1/tickets", json=TICKET).status_code == 401
    assert staff_client.get("/v1/tickets", headers={"Authorization": "Bearer wrong"}).status_code == 401
    n = _create(staff_client, auth_headers)["number"]
    # Integrations may create and read, not handle.
    r = staff_client.post(f"/v1/tickets/{n}/accept", headers=auth_headers)
    assert r.status_code == 403 and r.json()["error"]["message"] == "此操作仅限工作人员"
    make_staff("aud", "auditor")
    make_staff("rev", "reviewer")
    login(staff_client, "aud")
    assert staff_client.get("/v1/tickets").status_code == 200  # auditors read
    assert staff_client.get(f"/v1/tickets/{n}").status_code == 200
    assert staff_client.post(f"/v1/tickets/{n}/accept").status_code == 403
    assert staff_client.post("/v1/tickets", json=TICKET).status_code == 403
    login(staff_client, "rev")
    assert staff_client.post(f"/v1/tickets/{n}/notes", json={"note": "x"}).status_code == 403
    assert staff_client.post(f"/v1/tickets/{n}/remind", json={}).status_code == 403


def test_first_unit_owns_the_ticket_until_transferred(
    staff_client: TestClient, make_staff: Callable[..., object]
) -> None:
    make_staff("op1", "operator")
    make_staff("other", "operator", unit="沈阳市和平区人社局")
    login(staff_client, "op1")
    n = _create(staff_client)["number"]
    login(staff_client, "other")
    r = staff_client.post(f"/v1/tickets/{n}/accept")
    assert r.status_code == 403 and "首接负责" in r.json()["error"]["message"]
    login(staff_client, "op1")
    r = staff_client.post(f"/v1/tickets/{n}/transfer", json={"to_unit": "沈阳市和平区人社局", "reason": ""})
    assert r.status_code == 422 and "reason" in r.json()["error"]["fields"]
    staff_client.post(f"/v1/tickets/{n}/accept")
    r = staff_client.post(f"/v1/tickets/{n}/transfer", json={"to_unit": "沈阳市和平区人社局", "reason": "属地办理"})
    body = r.json()
    assert body["owner_unit"] == "沈阳市和平区人社局" and body["status"] == "received" and body["assignee"] is None
    assert body["events"][-1]["data"] == {"from_unit": "测试热线中心", "to_unit": "沈阳市和平区人社局"}
    assert staff_client.post(f"/v1/tickets/{n}/start").status_code == 403  # no longer ours
    login(staff_client, "other")
    assert staff_client.post(f"/v1/tickets/{n}/accept").json()["status"] == "accepted"


def test_extension_needs_a_second_person(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    make_staff("boss", "supervisor")
    make_staff("boss2", "supervisor")
    with time_machine.travel(MONDAY, tick=False):
        login(staff_client, "boss")
        n = _create(staff_client)["number"]
        staff_client.post(f"/v1/tickets/{n}/accept")
        r = staff_client.post(f"/v1/tickets/{n}/extension", json={"working_days": 5, "reason": "需调取单位材料"})
        assert r.json()["extension"] == {"requested_by": "staff:boss", "working_days": 5, "reason": "需调取单位材料"}
        assert (
            staff_client.post(f"/v1/tickets/{n}/extension", json={"working_days": 2, "reason": "再延"}).status_code
            == 409
        )
        r = staff_client.post(f"/v1/tickets/{n}/extension/grant", json={})
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "separation_of_duties"
        assert "不能审批本人提出的延期申请" in r.json()["error"]["message"]
        login(staff_client, "boss2")
        r = staff_client.post(f"/v1/tickets/{n}/extension/grant", json={"note": "同意"})
        body = r.json()
        assert r.status_code == 200 and body["extension"] is None
        assert body["respond_by"] == "2026-03-30T23:59:00+08:00"  # 03-23 + 5 working days
        assert staff_client.post(f"/v1/tickets/{n}/extension/deny", json={}).status_code == 409  # none pending


def test_operator_cannot_approve_extensions(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    make_staff("op1", "operator")
    make_staff("op2", "operator")
    login(staff_client, "op1")
    n = _create(staff_client)["number"]
    staff_client.post(f"/v1/tickets/{n}/accept")
    staff_client.post(f"/v1/tickets/{n}/extension", json={"working_days": 3, "reason": "材料未齐"})
    login(staff_client, "op2")
    assert staff_client.post(f"/v1/tickets/{n}/extension/grant", json={}).status_code == 403


def test_queue_sorted_by_deadline_and_overdue_filter(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str]
) -> None:
    make_staff("op1", "operator")
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ), tick=False):
        old = _create(staff_client, auth_headers, summary="两天前的咨询", category="consultation")
    with time_machine.travel(datetime(2026, 3, 4, 9, 0, tzinfo=CHINA_TZ), tick=False):
        urgent = _create(staff_client, auth_headers, summary="紧急求助", urgency="urgent", category="help")
        fresh = _create(staff_client, auth_headers, summary="刚受理的投诉")
        login(staff_client, "op1")
        page = staff_client.get("/v1/tickets?limit=200").json()
        numbers = [t["number"] for t in page["items"]]
        assert numbers.index(old["number"]) < numbers.index(urgent["number"]) <= numbers.index(fresh["number"])
        overdue = staff_client.get("/v1/tickets?overdue=true&limit=200").json()["items"]
        assert old["number"] in [t["number"] for t in overdue]
        assert all(t["overdue"] for t in overdue)
        assert fresh["number"] not in [t["number"] for t in overdue]
        only = staff_client.get("/v1/tickets?status=received,accepted&category=help").json()
        assert urgent["number"] in [t["number"] for t in only["items"]]
        assert {(t["category"], t["status"]) for t in only["items"]} == {("help", "received")}
    r = staff_client.get("/v1/tickets?status=bogus", headers=auth_headers)
    assert r.status_code == 422 and "status" in r.json()["error"]["fields"]


def test_bad_input_is_422_naming_the_field(staff_client: TestClient, auth_headers: dict[str, str]) -> None:
    r = staff_client.post("/v1/tickets", json={**TICKET, "category": "gossip"}, headers=auth_headers)
    assert r.status_code == 422 and "category" in r.json()["error"]["fields"]
    r = staff_client.post("/v1/tickets", json={**TICKET, "region": "火星"}, headers=auth_headers)
    assert r.status_code == 422 and "region" in r.json()["error"]["fields"]
    r = staff_client.post("/v1/tickets", json={**TICKET, "sender": "fax:123"}, headers=auth_headers)
    assert r.status_code == 422 and "sender" in r.json()["error"]["fields"]
    assert staff_client.get("/v1/tickets/GD000", headers=auth_headers).status_code == 404


def test_region_names_resolve_like_everywhere(staff_client: TestClient, auth_headers: dict[str, str]) -> None:
    assert _create(staff_client, auth_headers, region="沈阳")["region"] == {"code": "210100", "name": "沈阳市"}
    assert _create(staff_client, auth_headers, region="500000")["region"] == {"code": "500000", "name": "重庆市"}


def test_personal_data_is_masked_in_answers(staff_client: TestClient, auth_headers: dict[str, str]) -> None:
    t = _create(
        staff_client,
        auth_headers,
        summary="身份证120101198001011234的来电",
        sender="web:13800001234",
        transcript="我的电话13800001234",
    )
    assert t["sender"] == "web:138****1234"
    assert "120101198001011234" not in t["summary"] and "1201" in t["summary"]
    assert t["transcript"][0]["text"] == "我的电话138****1234"


def test_stats_rates(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    make_staff("op1", "operator")
    login(staff_client, "op1")
    before = staff_client.get("/v1/tickets/stats").json()
    n = _create(staff_client)["number"]
    for step in ("accept", "start"):
        staff_client.post(f"/v1/tickets/{n}/{step}")
    staff_client.post(f"/v1/tickets/{n}/resolve", json={"answer": "已答复"})
    staff_client.post(f"/v1/tickets/{n}/follow-up", json={"satisfaction": "basically_satisfied", "solved": False})
    after = staff_client.get("/v1/tickets/stats").json()
    assert after["total"] == before["total"] + 1
    assert after["response_rate"]["numerator"] == before["response_rate"]["numerator"] + 1
    assert after["satisfaction_rate"]["numerator"] == before["satisfaction_rate"]["numerator"] + 1
    assert after["resolution_rate"]["denominator"] == before["resolution_rate"]["denominator"] + 1
    assert after["resolution_rate"]["numerator"] == before["resolution_rate"]["numerator"]
    assert after["by_category"]["complaint"] == before["by_category"]["complaint"] + 1


def test_huge_ids_are_404_not_500(staff_client: TestClient, auth_headers: dict[str, str]) -> None:
    assert staff_client.get("/v1/tickets/99999999999999999999", headers=auth_headers).status_code == 404
    r = staff_client.post("/v1/tickets", json={**TICKET, "claim_id": 2**40}, headers=auth_headers)
    assert r.status_code == 422 and "claim_id" in r.json()["error"]["fields"]


def test_interim_reply_over_json(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    make_staff("op1", "operator")
    login(staff_client, "op1")
    n = staff_client.post("/v1/tickets", json={**TICKET, "sender": "web:json-interim"}).json()["number"]
    staff_client.post(f"/v1/tickets/{n}/accept")
    r = staff_client.post(f"/v1/tickets/{n}/interim-replies", json={"text": "正在核实，请您稍候"})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert (
        r.json()["events"][-1]["action"] == "interim_reply" and r.json()["events"][-1]["note"] == "正在核实，请您稍候"
    )
    r = staff_client.post(f"/v1/tickets/{n}/interim-replies", json={"text": "好"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    phone_only = staff_client.post("/v1/tickets", json={**TICKET, "channel": "phone"}).json()["number"]
    r = staff_client.post(f"/v1/tickets/{phone_only}/interim-replies", json={"text": "正在核实"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_channel"
