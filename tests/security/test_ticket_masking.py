"""Finding 5 (issue 12): ID numbers and mobiles were stored and shown in clear in ticket summaries.

A claimant (through an integration) and staff (JSON and console forms) write ID numbers and
mobiles into every text field of a ticket, in the spellings people type (plain, grouped with
spaces or hyphens, full-width digits). Neither the database rows nor the queue and ticket pages
nor the JSON answers may hold one in clear afterwards. SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.tickets.models import Ticket, TicketEvent
from tests.api.staff.fixtures import console_login, login
from tests.conftest import DEV_AUTH

pytestmark = pytest.mark.security

ID = "12010319650517487X"
PHONE = "13865734807"
# Each spelling and the digits that must not survive it.
SPELLINGS = {
    "plain": (f"身份证{ID}，电话{PHONE}", [ID, PHONE]),
    "grouped": ("身份证 120103 19650517 487X，电话 138-6573-4807", ["19650517", "6573-4807"]),
    "full-width": (
        "电话１３８６５７３４８０７，身份证１２０１０３１９６５０５１７４８７Ｘ",
        ["６５７３", "１９６５０５１７"],
    ),
    "with +86": (f"电话+86 138 6573 4807 或 86{PHONE}", ["6573 4807", "8613865734807"]),
}


def _clear(text: str, spelling: str) -> list[str]:
    return [digits for digits in SPELLINGS[spelling][1] if digits in text]


def _stored_text(session: Session, ticket_id: int) -> str:
    session.expire_all()
    ticket = session.get(Ticket, ticket_id)
    assert ticket is not None
    events = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)).all()
    parts = [ticket.summary, ticket.answer or "", ticket.extension_reason or "", str(ticket.transcript)]
    return "\n".join(parts + [e.note or "" for e in events])


@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_a_ticket_written_over_json_is_stored_and_shown_masked(
    staff_client: TestClient, make_staff: Callable[..., object], session: Session, spelling: str
) -> None:
    text = SPELLINGS[spelling][0]
    body = {
        "category": "help",
        "channel": "web",
        "region": "重庆",
        "summary": f"来电人报{text}",
        "transcript": [{"role": "claimant", "text": text}, {"role": "bot", "text": "已转人工"}],
    }
    r = staff_client.post("/v1/tickets", json=body, headers=DEV_AUTH)
    assert r.status_code == 201, r.text
    ticket_id = r.json()["id"]
    make_staff("mask_op", "operator", unit="12333热线服务中心")
    login(staff_client, "mask_op")
    staff_headers = {"X-CSRF-Token": staff_client.cookies.get("staff_csrf") or ""}
    for action, payload in (
        ("accept", {}),
        ("start", {}),
        ("notes", {"note": f"回拨{text}"}),
        ("extension", {"working_days": 3, "reason": f"需核实{text}"}),
        ("resolve", {"answer": f"已核实{text}的记录"}),
    ):
        done = staff_client.post(f"/v1/tickets/{ticket_id}/{action}", json=payload, headers=staff_headers)
        assert done.status_code == 200, (action, done.text)
    assert _clear(_stored_text(session, ticket_id), spelling) == []
    assert _clear(staff_client.get(f"/v1/tickets/{ticket_id}").text, spelling) == []
    csrf = console_login(staff_client, "mask_op")
    assert csrf
    assert _clear(staff_client.get("/console/tickets").text, spelling) == []
    assert _clear(staff_client.get(f"/console/tickets/{ticket_id}").text, spelling) == []


def test_a_ticket_written_in_the_console_is_stored_masked(
    staff_client: TestClient, make_staff: Callable[..., object], session: Session
) -> None:
    make_staff("mask_op2", "operator")
    csrf = console_login(staff_client, "mask_op2")
    text = SPELLINGS["plain"][0]
    r = staff_client.post(
        "/console/tickets",
        follow_redirects=False,
        data={
            "csrf": csrf,
            "category": "help",
            "urgency": "normal",
            "region": "天津",
            "summary": f"来电人报{text}",
            "transcript": f"来电人：{text}",
        },
    )
    assert r.status_code == 303, r.text
    ticket_id = int(r.headers["location"].split("?")[0].rsplit("/", 1)[1])
    for action, form in (
        ("accept", {}),
        ("note", {"note": f"回拨{PHONE}"}),
        ("start", {}),
        ("resolve", {"answer": f"已核实身份证{ID}"}),
    ):
        page = staff_client.post(f"/console/tickets/{ticket_id}/do/{action}", data={"csrf": csrf, **form})
        assert 'class="flash error"' not in page.text, (action, page.text[:500])
    assert _clear(_stored_text(session, ticket_id), "plain") == []
    assert _clear(staff_client.get("/console/tickets").text, "plain") == []
    assert _clear(staff_client.get(f"/console/tickets/{ticket_id}").text, "plain") == []
