"""A claim's tickets, a ticket's conversation and back; the claim page's payment history."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from tests.api.staff.fixtures import TICKET, console_login

CLAIM = {
    "claimant": {"name": "钱七", "id_number": "120101198001011234", "phone": "13700007777"},
    "region": "120000",
    "start_month": "2026-01",
    "benefit_months": 12,
}


def _verify(client: TestClient, csrf: str, claim_id: int) -> str:
    return client.post(f"/console/claims/{claim_id}/verify", data={"csrf": csrf, "method": "核对后四位"}).text


def test_claim_lists_its_tickets_and_each_links_to_its_conversation(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str], session: Session
) -> None:
    make_staff("op1", "operator", unit=staff_client.app.state.settings.ticket_intake_unit)  # type: ignore[attr-defined]
    claim = staff_client.post("/v1/claims", json=CLAIM, headers=auth_headers).json()
    linked = staff_client.post(
        "/v1/tickets", json={**TICKET, "claim_id": claim["id"], "sender": "web:abc123"}, headers=auth_headers
    ).json()
    by_phone = staff_client.post(
        "/v1/tickets", json={**TICKET, "sender": "sms:13700007777"}, headers=auth_headers
    ).json()
    unrelated = staff_client.post("/v1/tickets", json={**TICKET, "sender": "web:zzz"}, headers=auth_headers).json()
    csrf = console_login(staff_client, "op1")
    page = staff_client.get(f"/console/claims/{claim['id']}").text  # masked view lists them too
    box = page[page.index('id="claim-tickets"') :]
    assert linked["number"] in box and by_phone["number"] in box and unrelated["number"] not in box
    assert f"/console/tickets/{linked['id']}/conversation" in box

    ticket_page = staff_client.get(f"/console/tickets/{linked['id']}").text
    assert f'href="/console/claims/{claim["id"]}"' in ticket_page and 'id="ticket-conversation"' in ticket_page
    talk = staff_client.get(f"/console/tickets/{linked['id']}/conversation")
    assert talk.status_code == 200
    assert "我要投诉单位" in talk.text and "已为您转人工" in talk.text  # the saved transcript
    assert (
        f'href="/console/tickets/{linked["id"]}"' in talk.text and f'href="/console/claims/{claim["id"]}"' in talk.text
    )
    # What staff then send shows up in the conversation, in order.
    staff_client.post(f"/console/tickets/{linked['id']}/do/take", data={"csrf": csrf})
    staff_client.post(f"/console/tickets/{linked['id']}/do/interim", data={"csrf": csrf, "message": "正在核实您的记录"})
    lines = re.findall(
        r'<li class="role-(\w+)">', staff_client.get(f"/console/tickets/{linked['id']}/conversation").text
    )
    assert lines[-1] == "staff" and lines[:2] == ["claimant", "bot"]
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "console.conversation_view")).first()


def test_payment_history_from_the_ledger_and_how_the_amount_is_set(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str]
) -> None:
    make_staff("op1", "operator")
    claim = staff_client.post("/v1/claims", json=CLAIM, headers=auth_headers).json()
    csrf = console_login(staff_client, "op1")
    assert 'id="payments"' not in staff_client.get(f"/console/claims/{claim['id']}").text  # masked: no months
    page = _verify(staff_client, csrf, claim["id"])
    rows = re.findall(r'<tr class="m-(\w+)"><td class="nowrap">(\d{4}-\d{2})</td>', page)
    assert rows[0] == (rows[0][0], "2026-01") and len(rows) == 12
    amount = page[page.index('id="payment-amount"') :]
    assert "系统未记录发放金额" in amount and "失业保险条例 第十八条" in amount
    assert not re.search(r"\d+(\.\d+)?\s*元", page)  # no amount the records do not hold
