"""Every claimant-scoped call names the conversation's sender, with the action server's own token.

The API answers a dialogue caller about a claim only for the sender it names (and only while
that sender is verified to the claim), so the header must be the tracker's sender id, never a
slot value.
"""

from __future__ import annotations

import pytest

from actions.checkin import ActionSubmitCheckin
from actions.claims import ActionBackpayOptions, ActionExplainClaim
from actions.handoff import ActionHandoff
from actions.offers import ActionAffirm
from tests.actions.conftest import FakeApi, load_tracker, run

SENDER = "web:test-sender"  # the saved trackers' sender_id
VERIFIED = {"identity_verified": True, "claim_id": "4"}
BACKPAY = {"applicable": True, "eligible_months": ["2026-09"], "expired": False, "message": "可补发。", "citations": []}


@pytest.fixture(autouse=True)
def dialogue_token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("API_TOKEN", "dialogue-token-of-this-test")
    return "dialogue-token-of-this-test"


def _claimant_calls(api: FakeApi) -> list[tuple[str, str, str, str]]:
    return [
        (r.method, r.path, r.headers.get("x-claimant-sender", ""), r.headers.get("authorization", ""))
        for r in api.requests
        if r.path.startswith(("/v1/claims", "/v1/tickets"))
    ]


def test_claim_reads_and_requests_carry_the_sender(api: FakeApi, dispatcher, domain) -> None:
    api.on("GET", "/v1/claims/4/status", 200, {"notes": [], "backpay": BACKPAY, "region": {}})
    api.on("GET", "/v1/claims/4/backpay", 200, BACKPAY)
    api.on("POST", "/v1/claims/4/backpay-requests", 201, {"id": 1, "message": "", "citations": []})
    run(ActionExplainClaim().run(dispatcher, load_tracker("explain_requested", slots=VERIFIED), domain))
    run(ActionBackpayOptions().run(dispatcher, load_tracker("explain_requested", slots=VERIFIED), domain))
    tracker = load_tracker("explain_requested", slots={**VERIFIED, "pending_offer": "backpay_request"})
    run(ActionAffirm().run(dispatcher, tracker, domain))
    calls = _claimant_calls(api)
    assert [(m, p) for m, p, _, _ in calls] == [
        ("GET", "/v1/claims/4/status"),
        ("GET", "/v1/claims/4/backpay"),
        ("POST", "/v1/claims/4/backpay-requests"),
    ]
    assert {(s, a) for _, _, s, a in calls} == {(SENDER, "Bearer dialogue-token-of-this-test")}


def test_check_in_and_its_back_pay_offer_carry_the_sender(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/claims/9/checkins", 201, {"status": "accepted", "effects": [], "citations": []})
    api.on("GET", "/v1/claims/9/backpay", 200, BACKPAY)
    tracker = load_tracker("checkin_stop_details", slots={"stop_any": False, "stop_details": ""})
    run(ActionSubmitCheckin().run(dispatcher, tracker, domain))
    calls = _claimant_calls(api)
    assert [(m, p) for m, p, _, _ in calls] == [("POST", "/v1/claims/9/checkins"), ("GET", "/v1/claims/9/backpay")]
    assert {s for _, _, s, _ in calls} == {SENDER}


def test_a_ticket_for_a_verified_claimant_carries_the_sender(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/tickets", 201, {"number": "T1", "respond_by": "2026-11-30T12:00:00+08:00"})
    run(
        ActionHandoff().run(
            dispatcher, load_tracker("checkin_stop_details", text="我不服", intent="dispute_decision"), domain
        )
    )
    [(_, _, sender, auth)] = _claimant_calls(api)
    assert sender == SENDER and auth == "Bearer dialogue-token-of-this-test"
