"""The console's server-rendered pages: login, roles, CSRF, tickets, claim lookup, dashboard."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from policy_kb.clock import CHINA_TZ
from tests.api.staff.fixtures import PASSWORD, TICKET, console_login

CLAIM = {
    "claimant": {"name": "张三丰", "id_number": "120101198001011234", "phone": "13800001234"},
    "region": "120000",
    "start_month": "2026-01",
    "benefit_months": 12,
}


def _location(r: object) -> str:
    return str(r.headers["location"])  # type: ignore[attr-defined]


def test_pages_need_a_login(staff_client: TestClient) -> None:
    for path in ("/console/tickets", "/console/assist", "/console/claims", "/console/dashboard", "/console/tickets/1"):
        r = staff_client.get(path, follow_redirects=False)
        assert r.status_code == 303 and _location(r).startswith("/console/login?next=/console/"), path
    assert staff_client.get("/console", follow_redirects=False).status_code == 303


def test_login_page(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    make_staff("op1", "operator")
    page = staff_client.get("/console/login")
    assert page.status_code == 200 and "工作人员登录" in page.text and 'lang="zh-CN"' in page.text
    r = staff_client.post("/console/login", data={"username": "op1", "password": "wrong-password", "next": "/console"})
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    r = staff_client.post(
        "/console/login",
        data={"username": "op1", "password": PASSWORD, "next": "https://evil.example/"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and _location(r) == "/console/tickets"  # no open redirect
    assert "测试op1" in staff_client.get("/console/tickets").text
    token = re.search(r'<meta name="csrf" content="([^"]+)">', staff_client.get("/console/tickets").text)
    assert token
    staff_client.post("/console/logout", data={"csrf": token.group(1)})
    assert staff_client.get("/console/tickets", follow_redirects=False).status_code == 303


def test_taking_and_resolving_a_ticket(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    make_staff("op1", "operator")
    csrf = console_login(staff_client, "op1")
    r = staff_client.post(
        "/console/tickets",
        data={
            "csrf": csrf,
            "category": "help",
            "urgency": "normal",
            "region": "天津",
            "summary": "来电人咨询补发怎么办理",
            "transcript": "来电人：我上个月忘了办理",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    path = _location(r).split("?")[0]
    page = staff_client.get(_location(r))
    assert "已受理，工单号 GD" in page.text and "待签收" in page.text and "来电人：我上个月忘了办理" in page.text
    for action, label in (("accept", "已签收"), ("start", "办理中")):
        page = staff_client.post(f"{path}/do/{action}", data={"csrf": csrf})
        assert label in page.text
    page = staff_client.post(f"{path}/do/resolve", data={"csrf": csrf, "answer": "请携带身份证到区人社局窗口申请补发"})
    assert "已答复待回访" in page.text and "请携带身份证到区人社局窗口申请补发" in page.text
    page = staff_client.post(f"{path}/do/accept", data={"csrf": csrf})  # not allowed any more
    assert 'class="flash error"' in page.text and "不能“签收”" in page.text
    page = staff_client.post(f"{path}/do/follow_up", data={"csrf": csrf, "satisfaction": "satisfied", "solved": "1"})
    assert "已办结" in page.text


def test_forms_need_the_csrf_token(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    make_staff("op1", "operator")
    console_login(staff_client, "op1")
    r = staff_client.post("/console/tickets", data={"category": "help", "region": "天津", "summary": "无令牌"})
    assert r.status_code == 403 and "页面已过期" in r.text and 'id="error-page"' in r.text


def test_a_refused_page_stays_in_the_console(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    """An auditor following a link to a page of another role gets a page in the console, not JSON."""
    make_staff("aud", "auditor")
    console_login(staff_client, "aud")
    for path in ("/console/assist", "/console/claims", "/console/claims/1"):
        r = staff_client.get(path)
        assert r.status_code == 403 and r.headers["content-type"].startswith("text/html"), path
        assert "当前账号没有此页面的权限" in r.text and "没有权限" in r.text
        box = r.text[r.text.index('id="error-page"') :]
        links = re.findall(r'<a href="(/console/[^"]*)"', box)
        assert links == ["/console/tickets", "/console/dashboard", "/console/audit"], path
    r = staff_client.get("/console/tickets/999999")
    assert r.status_code == 404 and "没有这个工单" in r.text and 'id="error-page"' in r.text


def test_auditor_reads_but_cannot_act(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str]
) -> None:
    make_staff("aud", "auditor")
    t = staff_client.post("/v1/tickets", json=TICKET, headers=auth_headers).json()
    csrf = console_login(staff_client, "aud")
    page = staff_client.get(f"/console/tickets/{t['id']}")
    assert page.status_code == 200 and t["number"] in page.text
    assert 'data-action="accept"' not in page.text
    assert staff_client.post(f"/console/tickets/{t['id']}/do/accept", data={"csrf": csrf}).status_code == 403
    assert staff_client.get("/console/assist").status_code == 403
    assert staff_client.get("/console/dashboard").status_code == 200


def test_queue_highlights_overdue(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str]
) -> None:
    make_staff("op1", "operator")
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ), tick=False):
        late = staff_client.post("/v1/tickets", json=TICKET, headers=auth_headers).json()
    with time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=CHINA_TZ), tick=False):
        fresh = staff_client.post("/v1/tickets", json=TICKET, headers=auth_headers).json()
        console_login(staff_client, "op1")
        page = staff_client.get("/console/tickets?overdue=1").text
        assert re.search(rf'<tr class="overdue[^"]*" data-number="{late["number"]}"', page)
        assert fresh["number"] not in page
        page = staff_client.get("/console/tickets").text
    assert page.index(late["number"]) < page.index(fresh["number"])


def test_claim_lookup_masked_until_the_caller_is_verified(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str], session: Session
) -> None:
    make_staff("op1", "operator")
    r = staff_client.post("/v1/claims", json=CLAIM, headers=auth_headers)
    assert r.status_code == 201, r.text
    claim_id = r.json()["id"]
    csrf = console_login(staff_client, "op1")
    page = staff_client.get("/console/claims?q=120101198001011234").text
    assert "张**" in page and "1201**********1234" in page and "张三丰" not in page
    assert "120101198001011234" not in page.replace('value="120101198001011234"', "")
    page = staff_client.get(f"/console/claims/{claim_id}").text
    assert "尚未核实来电人身份" in page and 'id="claim-status"' not in page and "张三丰" not in page
    r = staff_client.post(f"/console/claims/{claim_id}/verify", data={"csrf": csrf, "method": "核对身份证号后四位"})
    page = r.text
    assert "已记录身份核实" in page and 'id="claim-status"' in page and 'id="payments"' in page
    assert "张三丰" in page and 'id="backpay"' in page
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "staff:op1")).all()
    assert {"console.claim_lookup", "console.caller_verified", "console.claim_view"} <= set(actions)


def test_dashboard_draws_the_three_rates(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    make_staff("boss", "supervisor")
    console_login(staff_client, "boss")
    page = staff_client.get("/console/dashboard").text
    for label in ("响应率", "解决率", "满意率", "咨询", "投诉", "办不成事"):
        assert label in page
    assert page.count("<svg") == 6  # three rates, the trend, by category, by status
