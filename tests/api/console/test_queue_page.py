"""The queue page: search by ticket number or the caller's mobile (normalized, shown masked), and the
small JSON the new-ticket alert polls."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.channels.sms.senders import pseudonym
from tests.api.staff.fixtures import TICKET, console_login

CLAIM = {
    "claimant": {"name": "赵六", "id_number": "120101198001011234", "phone": "13700007777"},
    "region": "120000",
    "start_month": "2026-01",
    "benefit_months": 12,
}


def _numbers(page: str) -> list[str]:
    return re.findall(r'data-number="([^"]+)"', page)


def _file(client: TestClient, headers: dict[str, str], **extra: object) -> dict[str, object]:
    r = client.post("/v1/tickets", json={**TICKET, **extra}, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_search_by_number_and_by_mobile(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str], session: Session
) -> None:
    make_staff("op1", "operator")
    claim = staff_client.post("/v1/claims", json=CLAIM, headers=auth_headers).json()
    by_sms = _file(staff_client, auth_headers, sender="sms:13800001234")
    secret = staff_client.app.state.settings.secret_key  # type: ignore[attr-defined]
    by_pseudonym = _file(staff_client, auth_headers, sender=pseudonym(secret, "13800001234"))
    by_claim = _file(staff_client, auth_headers, claim_id=claim["id"])
    other = _file(staff_client, auth_headers, sender="web:someone")
    console_login(staff_client, "op1")

    page = staff_client.get("/console/tickets", params={"q": "+86 138-0000-1234"}).text
    assert sorted(_numbers(page)) == sorted([by_sms["number"], by_pseudonym["number"]])
    assert "手机号 138****1234 的工单" in page and "13800001234" not in page
    assert _numbers(staff_client.get("/console/tickets", params={"q": "137 0000 7777"}).text) == [by_claim["number"]]

    assert _numbers(staff_client.get("/console/tickets", params={"q": str(other["number"]).lower()}).text) == [
        other["number"]
    ]
    tail = str(other["number"])[-6:]
    assert other["number"] in _numbers(staff_client.get("/console/tickets", params={"q": tail}).text)
    unknown = staff_client.get("/console/tickets", params={"q": "张三"})
    assert unknown.status_code == 200 and _numbers(unknown.text) == [] and "无法识别" in unknown.text

    trail = session.scalars(select(AuditEvent).where(AuditEvent.action == "console.ticket_search")).all()
    assert [e.after["query"] for e in trail][:2] == ["138****1234", "137****7777"]
    assert all("13800001234" not in str(e.after) for e in trail)


def test_search_finds_closed_tickets_and_keeps_the_filters_on_the_pager(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str]
) -> None:
    make_staff("op1", "operator")
    csrf = console_login(staff_client, "op1")
    form = {"csrf": csrf, "category": "help", "region": "天津", "summary": "来电求助", "phone": "13800001234"}
    staff_client.post("/console/tickets", data=form)
    t = staff_client.get("/v1/tickets", params={"status": "received"}).json()["items"][0]
    for action, form in (("accept", {}), ("start", {}), ("resolve", {"answer": "已答复您"})):
        staff_client.post(f"/console/tickets/{t['id']}/do/{action}", data={"csrf": csrf, **form})
    staff_client.post(
        f"/console/tickets/{t['id']}/do/follow_up", data={"csrf": csrf, "satisfaction": "satisfied", "solved": "1"}
    )
    assert t["number"] not in _numbers(staff_client.get("/console/tickets").text)  # closed: off the queue
    assert _numbers(staff_client.get("/console/tickets", params={"q": "13800001234"}).text) == [t["number"]]


def test_the_alert_counts_tickets_newer_than_the_page(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str]
) -> None:
    make_staff("aud", "auditor")
    first = _file(staff_client, auth_headers)
    console_login(staff_client, "aud")
    page = staff_client.get("/console/tickets").text
    latest = int(re.search(r'data-latest="(\d+)"', page).group(1))  # type: ignore[union-attr]
    assert latest == first["id"] and 'name="queue-poll"' in page
    assert staff_client.get("/console/queue.json", params={"since": latest}).json()["new"] == 0
    _file(staff_client, auth_headers)
    _file(staff_client, auth_headers)
    body = staff_client.get("/console/queue.json", params={"since": latest}).json()
    assert body["new"] == 2 and body["awaiting_accept"] == 3 and body["latest_id"] == latest + 2
    assert staff_client.get("/console/queue.json", params={"since": -1}).status_code == 422
    staff_client.cookies.clear()
    r = staff_client.get("/console/queue.json", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/console/login")
