"""The auditor's console: a nav of the pages the role can open, the audit-log page (filters,
pages, CSV export) and readable actors."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import datetime

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.audit import record_audit
from api.console.actors import action_label, actor_label
from api.console.pages_audit import PAGE_SIZE
from policy_kb.clock import CHINA_TZ
from tests.api.staff.fixtures import TICKET, console_login


def _nav(page: str) -> list[str]:
    nav = re.search(r"<nav>(.*?)</nav>", page, re.S)
    assert nav
    return re.findall(r'<a href="([^"]+)"', nav.group(1))


def test_the_nav_shows_only_pages_the_role_can_open(
    staff_client: TestClient, make_staff: Callable[..., object]
) -> None:
    make_staff("aud", "auditor")
    make_staff("op1", "operator")
    make_staff("boss", "supervisor")
    for username, want in (
        ("aud", ["/console/tickets", "/console/dashboard", "/console/audit"]),
        ("op1", ["/console/assist", "/console/claims", "/console/tickets", "/console/dashboard"]),
        ("boss", ["/console/assist", "/console/claims", "/console/tickets", "/console/dashboard", "/console/audit"]),
    ):
        console_login(staff_client, username)
        links = _nav(staff_client.get("/console/tickets").text)
        assert links == want, username
        for href in links:
            assert staff_client.get(href).status_code == 200, (username, href)
    assert staff_client.get("/console/audit").status_code == 200  # boss
    console_login(staff_client, "op1")
    assert staff_client.get("/console/audit").status_code == 403
    assert staff_client.get("/console/audit.csv").status_code == 403


def test_actor_labels() -> None:
    assert actor_label("integration:token-dev-") == "对接系统（令牌 dev-…）"
    assert actor_label("integration:token-ab12", systems={"ab12": "社保经办系统"}) == "社保经办系统（对接系统）"
    assert actor_label("integration:token-cd34", systems={"ab12": "社保经办系统"}) == "对接系统（令牌 cd34…）"
    assert actor_label("dialogue:token-abcd") == "智能客服（令牌 abcd…）"
    assert actor_label("staff:op1", {"op1": "王芳"}) == "王芳（op1）"
    assert actor_label("staff:gone") == "工作人员 gone"
    assert actor_label("claimant:wechat:o123") == "诉求人（微信）"
    assert actor_label("claimant:wx") == "诉求人（微信）"  # as identity records it: the sender's prefix
    assert actor_label("claimant:web") == "诉求人（网页）"
    assert actor_label("system:scheduler") == "系统（定时任务）"
    assert actor_label("odd") == "odd"
    assert action_label("ticket.accept") == "工单签收" and action_label("console.claim_view") == "查看待遇记录"
    assert action_label("claim.read.status") == "读取待遇记录（status）" and action_label("x.y") == "x.y"


def test_audit_page_filters_pages_and_exports(
    staff_client: TestClient, make_staff: Callable[..., object], session: Session, auth_headers: dict[str, str]
) -> None:
    make_staff("aud", "auditor")
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ), tick=False):
        ticket = staff_client.post("/v1/tickets", json=TICKET, headers=auth_headers).json()
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=CHINA_TZ), tick=False):
        for n in range(PAGE_SIZE + 3):
            record_audit(
                session,
                actor="system:scheduler",
                action="test.tick",
                entity_type="probe",
                entity_id=n,
                after={"note": "=SUM(A1)" if n == 0 else f"第{n}次"},
            )
        session.flush()
    console_login(staff_client, "aud")
    page = staff_client.get("/console/audit", params={"entity_type": "ticket", "entity_id": str(ticket["id"])}).text
    assert "开发联调系统（对接系统）" in page and "system:scheduler" not in page
    assert ">integration:" not in page  # the raw identifier only in the tooltip
    assert "共 " in page and 'id="audit-events"' in page
    page = staff_client.get("/console/audit", params={"actor": "system:", "date_from": "2026-03-05"}).text
    assert f"共 {PAGE_SIZE + 3} 条，第 1 / 2 页" in page and 'rel="next"' in page and "系统（定时任务）" in page
    page = staff_client.get("/console/audit", params={"actor": "system:", "date_from": "2026-03-05", "page": 2}).text
    assert len(re.findall(r"<tr><td class=\"nowrap\">", page)) == 3 and 'rel="prev"' in page
    page = staff_client.get("/console/audit", params={"actor": "system:", "date_to": "2026-03-04"}).text
    assert "没有符合条件的记录" in page
    r = staff_client.get("/console/audit.csv", params={"entity_type": "probe"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "时间（北京时间）", "操作人"] and len(rows) == PAGE_SIZE + 4
    assert rows[1][2] == "系统（定时任务）" and rows[1][3] == "system:scheduler"
    assert rows[0][4:6] == ["操作", "操作代码"] and rows[1][5] == "test.tick"
    first = next(row for row in rows[1:] if row[7] == "0")
    assert first[9].startswith("{")  # JSON, so a formula cannot lead the cell
    # Reading and exporting the trail are in the trail too.
    page = staff_client.get("/console/audit", params={"actor": "staff:aud"}).text
    assert "查看审计日志" in page and "导出审计日志" in page and "测试aud（aud）" in page
    assert 'title="console.audit_export"' in page  # the code kept for whoever needs it
    # The actor filter takes a staff member's name or username as shown, too.
    assert staff_client.get("/console/audit", params={"actor": "测试aud"}).text.count("测试aud（aud）") >= 2
    assert "没有符合条件的记录" in staff_client.get("/console/audit", params={"actor": "无此人"}).text


def test_ticket_history_shows_readable_actors(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str]
) -> None:
    make_staff("op1", "operator")
    ticket = staff_client.post("/v1/tickets", json=TICKET, headers=auth_headers).json()
    console_login(staff_client, "op1")
    page = staff_client.get(f"/console/tickets/{ticket['id']}").text
    assert "开发联调系统（对接系统）" in page and '<th class="nowrap">操作</th>' in page


def test_integration_names_setting() -> None:
    from api.settings import Settings

    parsed = Settings(integration_names="ab12:社保经办系统, cd34:12345热线平台").integration_names
    assert parsed == {"ab12": "社保经办系统", "cd34": "12345热线平台"}
    assert Settings().integration_names == {"dev-": "开发联调系统"}
    with pytest.raises(ValueError, match="INTEGRATION_NAMES"):
        Settings(integration_names="toolong:名称")
