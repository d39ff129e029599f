"""Finding 10 (issue 12): a cookie-authenticated JSON route accepted a cross-site form POST.

`POST /v1/tickets/{id}/accept` with the console's session cookie and `Origin: http://evil.example`
was done; only SameSite=Lax stood in the way. Now every unsafe request a staff cookie
authorises must carry that session's token in the X-CSRF-Token header and must not come from
a foreign Origin; bearer-token callers (integrations, the dialogue engine) carry no cookie and
are unaffected. SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.staff.fixtures import TICKET, login
from tests.conftest import DEV_AUTH

pytestmark = pytest.mark.security

UNIT = "12333热线服务中心"
EVIL = "http://evil.example"


def _new_ticket(client: TestClient) -> int:
    r = client.post("/v1/tickets", json=TICKET, headers=DEV_AUTH)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _status(client: TestClient, ticket_id: int) -> str:
    return str(client.get(f"/v1/tickets/{ticket_id}", headers=DEV_AUTH).json()["status"])


def _refused(response: object) -> None:
    assert response.status_code == 403, response.text  # type: ignore[attr-defined]
    assert "防伪令牌" in response.json()["error"]["message"]  # type: ignore[attr-defined]


def test_a_cookie_without_the_token_changes_nothing(
    staff_client: TestClient, make_staff: Callable[..., object]
) -> None:
    ticket_id = _new_ticket(staff_client)
    before = _status(staff_client, ticket_id)
    make_staff("csrf_op", "operator", unit=UNIT)
    login(staff_client, "csrf_op")
    token = staff_client.headers.pop("X-CSRF-Token")
    accept = f"/v1/tickets/{ticket_id}/accept"

    _refused(staff_client.post(accept, json={}))  # no token at all
    _refused(staff_client.post(accept, json={}, headers={"X-CSRF-Token": "0" * 40}))  # a made-up one
    _refused(staff_client.post(accept, data={"x": "1"}, headers={"Origin": EVIL}))  # the attack as reported
    _refused(staff_client.post(accept, json={}, headers={"X-CSRF-Token": token, "Origin": EVIL}))
    assert _status(staff_client, ticket_id) == before

    done = staff_client.post(accept, json={}, headers={"X-CSRF-Token": token, "Origin": "http://testserver"})
    assert done.status_code == 200, done.text
    assert _status(staff_client, ticket_id) != before


def test_the_token_belongs_to_one_session(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    ticket_id = _new_ticket(staff_client)
    make_staff("csrf_a", "operator", unit=UNIT)
    make_staff("csrf_b", "operator", unit=UNIT)
    login(staff_client, "csrf_a")
    a_token = staff_client.headers["X-CSRF-Token"]
    assert staff_client.cookies.get("staff_csrf") == a_token  # readable by the console's own scripts
    login(staff_client, "csrf_b")
    assert staff_client.headers["X-CSRF-Token"] != a_token
    _refused(staff_client.post(f"/v1/tickets/{ticket_id}/accept", json={}, headers={"X-CSRF-Token": a_token}))
    me = staff_client.get("/v1/staff/me")  # a page reloaded later asks for its session's token again
    assert me.status_code == 200 and me.headers["X-CSRF-Token"] == staff_client.headers["X-CSRF-Token"]


def test_reads_and_bearer_callers_need_no_token(staff_client: TestClient, make_staff: Callable[..., object]) -> None:
    ticket_id = _new_ticket(staff_client)
    make_staff("csrf_reader", "operator", unit=UNIT)
    login(staff_client, "csrf_reader")
    staff_client.headers.pop("X-CSRF-Token")
    assert staff_client.get(f"/v1/tickets/{ticket_id}").status_code == 200
    # A bearer token authorises the request by itself, whatever cookie the client also holds.
    assert staff_client.post("/v1/tickets", json=TICKET, headers=DEV_AUTH).status_code == 201
