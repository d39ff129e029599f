"""The 12333 hotline is one channel in storage; the ticket routes still spell it "phone".

Tickets used to store `phone` and check-ins `hotline`; both now store `Channel.hotline`
(migration 0011), while every route keeps the words its callers send and read.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.claims.models import Checkin
from api.tickets.models import Ticket
from api.vocab import Channel
from tests.api.claims.helpers import AUTH, NO_STOP, create_claim, local
from tests.api.staff.fixtures import TICKET


def test_a_ticket_sent_as_phone_is_stored_as_the_hotline_and_read_back_as_phone(
    client: TestClient, session: Session
) -> None:
    r = client.post("/v1/tickets", json={**TICKET, "channel": "phone"}, headers=AUTH)
    assert r.status_code == 201, r.text
    assert r.json()["channel"] == "phone"
    ticket_id = r.json()["id"]
    assert session.scalar(select(Ticket.channel).where(Ticket.id == ticket_id)) == "hotline"
    assert client.get(f"/v1/tickets/{r.json()['number']}", headers=AUTH).json()["channel"] == "phone"
    queue = client.get("/v1/tickets", params={"limit": 200}, headers=AUTH).json()["items"]
    assert {t["channel"] for t in queue if t["id"] == ticket_id} == {"phone"}


def test_the_ticket_routes_refuse_the_stored_spelling(client: TestClient) -> None:
    r = client.post("/v1/tickets", json={**TICKET, "channel": "hotline"}, headers=AUTH)
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"channel": "取值不在允许范围内"}


def test_the_openapi_schema_lists_the_ticket_routes_words(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    words = schemas["TicketCreate"]["properties"]["channel"]["enum"]
    assert words == ["phone", "web", "wechat", "sms", "counter", "other"]


def test_a_checkin_by_hotline_is_stored_and_read_as_hotline(client: TestClient, session: Session) -> None:
    claim_id = create_claim(client, "120000", "2026-01", 12)
    body = {"month": "2026-03", "at": local(2026, 3, 10).isoformat(), "channel": "hotline", "answers": NO_STOP}
    r = client.post(f"/v1/claims/{claim_id}/checkins", json=body, headers=AUTH)
    assert r.status_code == 201, r.text
    assert r.json()["checkin"]["channel"] == "hotline"
    assert session.scalar(select(Checkin.channel).where(Checkin.claim_id == claim_id)) == Channel.hotline
    phone = client.post(
        f"/v1/claims/{claim_id}/checkins", json={**body, "month": "2026-04", "channel": "phone"}, headers=AUTH
    )
    assert phone.status_code == 422 and "channel" in phone.json()["error"]["fields"]
