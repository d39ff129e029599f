"""Chongqing (资格核验): suspension after two missed months, months kept, resumption, no back-pay."""

from __future__ import annotations

import time_machine
from fastapi.testclient import TestClient

from tests.api.claims.helpers import AUTH, checkin, create_claim, local


def status(client: TestClient, claim_id: int, as_of: str) -> dict:
    r = client.get(f"/v1/claims/{claim_id}/status?as_of={as_of}", headers=AUTH)
    assert r.status_code == 200, r.text
    return r.json()


def test_suspension_and_resumption_month_by_month(client: TestClient) -> None:
    with time_machine.travel(local(2026, 1, 3), tick=False):
        claim_id = create_claim(client, "500000", "2026-01", 12)
    with time_machine.travel(local(2026, 1, 20), tick=False):
        code, body = checkin(client, claim_id, "2026-01")
        assert body["status"] == "accepted"
        assert body["window"] == {"month": "2026-01", "start": "2026-01-01", "end": "2026-01-31"}
        assert body["effects"][0]["code"] == "QUALIFICATION_CHECKED"
    march = status(client, claim_id, "2026-03-05")
    assert march["suspended"] is False and march["months_paid"] == ["2026-01", "2026-02"]
    april = status(client, claim_id, "2026-04-05")
    assert april["suspended"] is True and april["suspended_since"] == "2026-03"
    note = next(n for n in april["notes"] if n["code"] == "PAYMENT_SUSPENDED")
    assert "连续2个月" in note["message"] and "不影响应享受待遇总月数" in note["message"]
    assert any("连续两个月未进行资格核验" in c["quote"] for c in note["citations"])
    with time_machine.travel(local(2026, 4, 10), tick=False):
        code, body = checkin(client, claim_id, "2026-04")
        assert (code, body["status"]) == (201, "accepted")
        resumes = next(e for e in body["effects"] if e["code"] == "PAYMENT_RESUMES")
        assert "2026年5月" in resumes["message"]
    mid_april = status(client, claim_id, "2026-04-20")
    assert mid_april["suspended"] is True and mid_april["resumes_from"] == "2026-05"
    may = status(client, claim_id, "2026-05-05")
    assert may["suspended"] is False
    assert may["months_suspended"] == ["2026-03", "2026-04"]
    assert may["end_month"] == "2027-02"  # suspended months are kept: the period runs on
    assert may["months_remaining"] == 12 - len(may["months_paid"])


def test_no_backpay_and_what_happens_instead(client: TestClient) -> None:
    claim_id = create_claim(client, "500000", "2026-01", 12)
    checkin(client, claim_id, "2026-01", local(2026, 1, 10))
    body = client.get(f"/v1/claims/{claim_id}/backpay?as_of=2026-05-05", headers=AUTH).json()
    assert body["applicable"] is False
    assert "从次月起恢复发放" in body["instead"] and "总月数" in body["instead"]
    assert body["citations"] and body["eligible_months"] == []
    r = client.post(f"/v1/claims/{claim_id}/backpay-requests", json={"months": ["2026-02"]}, headers=AUTH)
    assert r.status_code == 422 and r.json()["error"]["code"] == "backpay_not_applicable"


def test_checkin_in_another_month_is_outside_the_window(client: TestClient) -> None:
    claim_id = create_claim(client, "500000", "2026-01", 12)
    code, body = checkin(client, claim_id, "2026-02", local(2026, 3, 1))
    assert (code, body["status"]) == (200, "outside_window")
    assert "2026年2月1日至2026年2月28日" in body["effects"][0]["message"]
