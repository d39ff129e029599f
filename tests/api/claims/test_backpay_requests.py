"""Back-pay requests (Tianjin): recorded for review, capped, refused after the period, decided by staff."""

from __future__ import annotations

import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import list_audit
from api.auth import Caller
from api.notify.models import SmsMessage
from tests.api.claims.helpers import AUTH, checkin, create_claim, local


def as_reviewer(app: FastAPI) -> None:
    app.state.staff_resolver = lambda request: Caller(kind="staff", name="reviewer-1", roles=frozenset({"reviewer"}))


def test_request_cap_and_period(client: TestClient, session: Session) -> None:
    claim_id = create_claim(client, "120000", "2026-01", 6)
    checkin(client, claim_id, "2026-01", local(2026, 1, 10))
    url = f"/v1/claims/{claim_id}/backpay-requests"
    with time_machine.travel(local(2026, 6, 28), tick=False):
        too_many = client.post(url, json={"months": ["2026-02", "2026-03", "2026-04", "2026-05"]}, headers=AUTH)
        assert too_many.status_code == 422 and too_many.json()["error"]["code"] == "backpay_cap_exceeded"
        not_lost = client.post(url, json={"months": ["2026-01"]}, headers=AUTH)
        assert not_lost.status_code == 422 and "months" in not_lost.json()["error"]["fields"]
        bad_place = client.post(url, json={"months": ["2026-02"], "place": "火车站"}, headers=AUTH)
        assert bad_place.status_code == 422 and "place" in bad_place.json()["error"]["fields"]
        first = client.post(url, json={"months": ["2026-02", "2026-03"], "place": "社保分中心"}, headers=AUTH)
        assert first.status_code == 201, first.text
        made = first.json()
        assert (made["status"], made["months"], made["apply_by"]) == (
            "pending_review",
            ["2026-02", "2026-03"],
            "2026-06-30",
        )
        again = client.post(url, json={"months": ["2026-03"]}, headers=AUTH)
        assert again.status_code == 422  # already asked for: no longer a candidate
        rest = client.post(url, json={}, headers=AUTH)  # every month that may still be asked for
        assert rest.status_code == 201 and rest.json()["months"] == ["2026-04"]
        full = client.post(url, json={"months": ["2026-05"]}, headers=AUTH)
        assert full.status_code == 422 and full.json()["error"]["code"] == "backpay_cap_exceeded"
        options = client.get(f"/v1/claims/{claim_id}/backpay?as_of=2026-06-28", headers=AUTH).json()
        assert options["eligible_months"] == [] and options["requested_months"] == ["2026-02", "2026-03", "2026-04"]
        assert "已达最多3个月" in options["message"]
    claim2 = create_claim(client, "120000", "2026-01", 6)
    with time_machine.travel(local(2026, 7, 1), tick=False):
        late = client.post(f"/v1/claims/{claim2}/backpay-requests", json={}, headers=AUTH)
        assert late.status_code == 422 and late.json()["error"]["code"] == "backpay_period_over"
    actions = [e.action for e in list_audit(session, entity_type="claim", entity_id=claim_id)]
    assert actions.count("claim.backpay_request") == 2


def test_staff_decision_marks_months_backpaid_and_tells_the_claimant(client: TestClient, session: Session) -> None:
    claim_id = create_claim(client, "120000", "2026-01", 12)
    checkin(client, claim_id, "2026-01", local(2026, 1, 10))
    with time_machine.travel(local(2026, 3, 1), tick=False):
        made = client.post(f"/v1/claims/{claim_id}/backpay-requests", json={}, headers=AUTH).json()
    assert made["months"] == ["2026-02"]
    decision = f"/v1/claims/{claim_id}/backpay-requests/{made['id']}/decision"
    # Integrations may not decide; staff reviewers may.
    assert client.post(decision, json={"approve": True}, headers=AUTH).status_code == 403
    as_reviewer(client.app)  # type: ignore[arg-type]
    r = client.post(decision, json={"approve": True, "note": "核实符合条件"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"
    assert client.post(decision, json={"approve": False}).status_code == 409
    status = client.get(f"/v1/claims/{claim_id}/status?as_of=2026-03-10", headers=AUTH).json()
    assert status["months_backpaid"] == ["2026-02"] and status["months_lost"] == []
    listed = client.get(f"/v1/claims/{claim_id}/backpay-requests", headers=AUTH).json()
    assert [x["status"] for x in listed] == ["approved"]
    sms = session.scalars(
        select(SmsMessage).where(SmsMessage.dedup_key == f"backpay-result:request-{made['id']}")
    ).one()
    assert "补发1个月已通过" in sms.text
    events = list_audit(session, entity_type="claim", entity_id=claim_id)
    assert events[-1].action == "claim.backpay_decision" and events[-1].actor == "staff:reviewer-1"


def test_nobody_decides_their_own_backpay_request(client: TestClient) -> None:
    claim_id = create_claim(client, "120000", "2026-01", 12)
    checkin(client, claim_id, "2026-01", local(2026, 1, 10))
    as_reviewer(client.app)  # type: ignore[arg-type]
    with time_machine.travel(local(2026, 3, 1), tick=False):
        made = client.post(f"/v1/claims/{claim_id}/backpay-requests", json={})  # recorded by reviewer-1
    assert made.status_code == 201, made.text
    decision = f"/v1/claims/{claim_id}/backpay-requests/{made.json()['id']}/decision"
    refused = client.post(decision, json={"approve": True})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "separation_of_duties"
    listed = client.get(f"/v1/claims/{claim_id}/backpay-requests", headers=AUTH).json()
    assert [x["status"] for x in listed] == ["pending_review"]  # nothing half-written
