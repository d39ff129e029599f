"""Issue 12, findings 1 (what the dialogue token may reach), 2 and 9, at the API (SQLite and PostgreSQL).

- The dialogue engine's token reaches a claim only for the sender it names, while that sender
  holds a live binding to that very claim: a forged tracker's claim_id gains nothing.
- Staff reads over JSON follow the console: masked and no payment months until the operator
  has recorded how the caller was verified; auditors see masked data only; every read audited.
- The auditor performs no business action (identity challenges, claims, check-ins, back-pay, tickets).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.identity.enums import BindingMethod
from api.identity.models import SenderBinding
from api.identity.service import bind
from api.settings import DEV_DIALOGUE_TOKEN, SettingsError, load_settings
from tests.api.claims.helpers import NO_STOP, claim_body
from tests.api.staff import fixtures
from tests.api.staff.fixtures import TICKET, console_login, login
from tests.production import PRODUCTION

pytestmark = pytest.mark.security

INTEGRATION = {"Authorization": "Bearer dev-token"}
staff_client = fixtures.staff_client  # the console's test client and staff accounts
make_staff = fixtures.make_staff


def dialogue(sender: str | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {DEV_DIALOGUE_TOKEN}"}
    if sender is not None:
        headers["X-Claimant-Sender"] = sender
    return headers


def _claim(client: TestClient, name: str = "孙悟空") -> int:
    body = claim_body()
    body["claimant"]["name"] = name
    r = client.post("/v1/claims", json=body, headers=INTEGRATION)
    assert r.status_code == 201, r.text
    claim_id: int = r.json()["id"]
    return claim_id


def _bind(client: TestClient, session: Session, sender: str, claim_id: int) -> None:
    bind(session, settings=client.app.state.settings, sender=sender, claim_id=claim_id, method=BindingMethod.otp)  # type: ignore[attr-defined]
    session.flush()


def _claim_calls(claim_id: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    checkin = {"month": "2026-03", "channel": "web", "answers": NO_STOP}
    return [
        ("GET", f"/v1/claims/{claim_id}", None),
        ("GET", f"/v1/claims/{claim_id}/status", None),
        ("GET", f"/v1/claims/{claim_id}/backpay", None),
        ("GET", f"/v1/claims/{claim_id}/backpay-requests", None),
        ("POST", f"/v1/claims/{claim_id}/checkins", checkin),
        ("POST", f"/v1/claims/{claim_id}/backpay-requests", {}),
        ("POST", "/v1/tickets", {**TICKET, "claim_id": claim_id}),
    ]


# --- the dialogue engine's token (finding 1: a forged tracker names any claim) ---------------------


def test_dialogue_token_without_a_verified_sender_gets_403_on_every_claim_route(
    staff_client: TestClient, session: Session
) -> None:
    claim_id = _claim(staff_client)
    _bind(staff_client, session, "web:owner-of-the-claim", claim_id)
    for sender in (None, "web:attacker", "web:owner-of-the-claim-2"):  # none, unbound, a near miss
        for method, path, body in _claim_calls(claim_id):
            r = staff_client.request(method, path, json=body, headers=dialogue(sender))
            assert r.status_code == 403, (sender, method, path, r.text)
            error = r.json()["error"]
            assert error["code"] == "claimant_not_verified" and "身份核验" in error["message"], error
            assert "孙悟空" not in r.text


def test_a_verified_sender_reaches_its_own_claim_and_no_other(staff_client: TestClient, session: Session) -> None:
    mine, other = _claim(staff_client, "猪八戒"), _claim(staff_client, "沙和尚")
    _bind(staff_client, session, "web:bajie", mine)
    headers = dialogue("web:bajie")
    r = staff_client.get(f"/v1/claims/{mine}", headers=headers)
    assert r.status_code == 200 and r.json()["claimant"]["name"] == "猪八戒"
    assert staff_client.get(f"/v1/claims/{mine}/status", headers=headers).status_code == 200
    assert staff_client.get(f"/v1/claims/{mine}/backpay", headers=headers).status_code == 200
    ticket = staff_client.post("/v1/tickets", json={**TICKET, "claim_id": mine}, headers=headers)
    assert ticket.status_code == 201, ticket.text
    # The tracker's claim_id slot says "other": the API does not care what the tracker says.
    for method, path, body in _claim_calls(other):
        r = staff_client.request(method, path, json=body, headers=headers)
        assert r.status_code == 403 and "沙和尚" not in r.text, (method, path, r.text)


def test_an_expired_binding_is_no_binding(staff_client: TestClient, session: Session) -> None:
    claim_id = _claim(staff_client)
    _bind(staff_client, session, "web:expired", claim_id)
    binding = session.get(SenderBinding, "web:expired")
    assert binding is not None
    binding.verified_until = binding.verified_at - timedelta(seconds=1)
    session.flush()
    assert staff_client.get(f"/v1/claims/{claim_id}/status", headers=dialogue("web:expired")).status_code == 403


def test_a_claimants_check_in_uses_the_servers_clock(staff_client: TestClient, session: Session) -> None:
    body = {"month": "2026-03", "channel": "web", "answers": NO_STOP, "at": "2026-03-10T09:00:00+08:00"}
    agency = _claim(staff_client)
    r = staff_client.post(f"/v1/claims/{agency}/checkins", json=body, headers=INTEGRATION)
    assert r.status_code == 201 and r.json()["checkin"]["at"].startswith("2026-03-10T09:00"), r.text  # honoured
    claim_id = _claim(staff_client)
    _bind(staff_client, session, "web:clock", claim_id)
    r = staff_client.post(f"/v1/claims/{claim_id}/checkins", json=body, headers=dialogue("web:clock"))
    assert r.status_code in (200, 201), r.text
    checkin = r.json()["checkin"]
    assert checkin is None or not checkin["at"].startswith("2026-03-10T09:00"), r.text


def test_dialogue_token_does_no_staff_or_agency_business(staff_client: TestClient, session: Session) -> None:
    claim_id = _claim(staff_client)
    _bind(staff_client, session, "web:busy", claim_id)
    headers = dialogue("web:busy")
    assert staff_client.post("/v1/claims", json=claim_body(), headers=headers).status_code == 403
    assert staff_client.get("/v1/tickets", headers=headers).status_code == 403
    # It hands over only its own conversation.
    handoff = {**TICKET, "sender": "web:someone-else"}
    assert staff_client.post("/v1/tickets", json=handoff, headers=headers).status_code == 403


def test_agency_integrations_keep_their_access(staff_client: TestClient) -> None:
    claim_id = _claim(staff_client, "唐三藏")
    r = staff_client.get(f"/v1/claims/{claim_id}", headers=INTEGRATION)
    assert r.status_code == 200 and r.json()["claimant"]["name"] == "唐三藏"
    assert staff_client.get(f"/v1/claims/{claim_id}/status", headers=INTEGRATION).status_code == 200


# --- staff over JSON (finding 2) ---------------------------------------------------------------


def _reads(session: Session, actor: str) -> list[str]:
    rows = session.scalars(select(AuditEvent.action).where(AuditEvent.actor == actor)).all()
    return [a for a in rows if a.startswith("claim.read.")]


def test_operator_gets_masked_data_and_no_payment_months_until_the_caller_is_verified(
    staff_client: TestClient, make_staff: Callable[..., object], session: Session
) -> None:
    make_staff("op-json", "operator")
    claim_id = _claim(staff_client, "孙悟空")
    csrf = console_login(staff_client, "op-json")  # the same cookie serves the console and the JSON API
    r = staff_client.get(f"/v1/claims/{claim_id}")
    assert r.status_code == 200 and r.json()["claimant"]["name"] == "孙**", r.text
    for path in (f"/v1/claims/{claim_id}/status", f"/v1/claims/{claim_id}/backpay"):
        r = staff_client.get(path)
        assert r.status_code == 403 and r.json()["error"]["code"] == "caller_not_verified", r.text
        assert "核实" in r.json()["error"]["message"] and "months_paid" not in r.text
    suggestion = staff_client.post("/v1/operator/suggestions", json={"text": "为什么停发了", "claim_id": claim_id})
    assert suggestion.status_code == 403, suggestion.text

    verified = staff_client.post(
        f"/console/claims/{claim_id}/verify", data={"csrf": csrf, "method": "核对身份证后六位"}
    )
    assert verified.status_code == 200
    r = staff_client.get(f"/v1/claims/{claim_id}")
    assert r.json()["claimant"]["name"] == "孙悟空"
    status = staff_client.get(f"/v1/claims/{claim_id}/status")
    assert status.status_code == 200 and "months_paid" in status.json()
    assert staff_client.get(f"/v1/claims/{claim_id}/backpay").status_code == 200
    # Every staff read is an audit event, masked or not.
    assert _reads(session, "staff:op-json") == [
        "claim.read.claim",
        "claim.read.claim",
        "claim.read.status",
        "claim.read.backpay",
    ]


def test_a_verification_in_another_login_does_not_count(
    staff_client: TestClient, make_staff: Callable[..., object]
) -> None:
    make_staff("op-a", "operator")
    claim_id = _claim(staff_client)
    csrf = console_login(staff_client, "op-a")
    staff_client.post(f"/console/claims/{claim_id}/verify", data={"csrf": csrf, "method": "核对身份证后六位"})
    assert staff_client.get(f"/v1/claims/{claim_id}/status").status_code == 200
    login(staff_client, "op-a")  # a new session of the same account
    assert staff_client.get(f"/v1/claims/{claim_id}/status").status_code == 403


def test_auditor_reads_masked_data_only(
    staff_client: TestClient, make_staff: Callable[..., object], session: Session
) -> None:
    make_staff("aud-json", "auditor")
    claim_id = _claim(staff_client, "孙悟空")
    login(staff_client, "aud-json")
    r = staff_client.get(f"/v1/claims/{claim_id}")
    assert r.status_code == 200 and r.json()["claimant"]["name"] == "孙**"
    assert r.json()["claimant"]["id_number"].count("*") >= 8
    for path in ("status", "backpay", "backpay-requests"):
        r = staff_client.get(f"/v1/claims/{claim_id}/{path}")
        assert r.status_code == 403 and "months" not in r.text, (path, r.text)
    assert _reads(session, "staff:aud-json") == ["claim.read.claim"]


# --- the auditor performs no business action (finding 9) -------------------------------------


def test_auditor_cannot_start_identity_challenges_or_act_on_claims(
    staff_client: TestClient, make_staff: Callable[..., object]
) -> None:
    make_staff("aud-act", "auditor")
    body = claim_body()
    claim_id = _claim(staff_client)
    login(staff_client, "aud-act")
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/v1/identity/challenges", {"sender": "web:aud-probe", "id_number": body["claimant"]["id_number"]}),
        ("POST", "/v1/identity/challenges/x/verify", {"code": "123456"}),
        ("GET", "/v1/identity/senders/web:aud-probe", {}),
        ("POST", "/v1/claims", body),
        ("POST", f"/v1/claims/{claim_id}/checkins", {"month": "2026-03", "channel": "web", "answers": NO_STOP}),
        ("POST", f"/v1/claims/{claim_id}/backpay-requests", {}),
        ("POST", "/v1/tickets", TICKET),
    ]
    for method, path, payload in calls:
        r = staff_client.request(method, path, json=payload if method == "POST" else None)
        assert r.status_code == 403, (path, r.text)


def test_operator_may_still_start_an_identity_challenge(
    staff_client: TestClient, make_staff: Callable[..., object]
) -> None:
    make_staff("op-idv", "operator")
    body = claim_body()
    staff_client.post("/v1/claims", json=body, headers=INTEGRATION)
    login(staff_client, "op-idv")
    r = staff_client.post(
        "/v1/identity/challenges", json={"sender": "web:op-idv", "id_number": body["claimant"]["id_number"]}
    )
    assert r.status_code in (200, 201), r.text


# --- settings -----------------------------------------------------------------------------------


def test_production_with_the_engines_secrets_set_starts() -> None:
    assert load_settings(**PRODUCTION).rasa_token == "r" * 40


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("dialogue_tokens", ["dev-dialogue-token"], "DIALOGUE_TOKENS"),
        ("dialogue_tokens", ["short"], "DIALOGUE_TOKENS"),
        ("dialogue_tokens", [], "DIALOGUE_TOKENS"),
        ("rasa_token", "dev-rasa-token", "RASA_TOKEN"),
        ("rasa_token", "r" * 10, "RASA_TOKEN"),
        ("action_server_token", "dev-action-server-token", "ACTION_SERVER_TOKEN"),
    ],
)
def test_production_refuses_the_engines_development_secrets(name: str, value: object, named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(**{**PRODUCTION, name: value})


def test_a_token_cannot_be_both_dialogue_and_integration() -> None:
    with pytest.raises(SettingsError, match="DIALOGUE_TOKENS"):
        load_settings(_env_file=None, integration_tokens=["same-token"], dialogue_tokens=["same-token"])
    with pytest.raises(SettingsError, match="RASA_TOKEN"):
        load_settings(_env_file=None, rasa_token="")


def test_the_consoles_masked_claim_page_is_audited_too(
    staff_client: TestClient, make_staff: Callable[..., object], session: Session
) -> None:
    make_staff("op-page", "operator")
    claim_id = _claim(staff_client)
    console_login(staff_client, "op-page")
    assert "尚未核实来电人身份" in staff_client.get(f"/console/claims/{claim_id}").text
    rows = session.scalars(
        select(AuditEvent).where(AuditEvent.actor == "staff:op-page", AuditEvent.action == "console.claim_view")
    ).all()
    assert [(r.entity_id, (r.after or {}).get("masked")) for r in rows] == [(str(claim_id), True)]
