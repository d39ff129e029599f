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
    # The situation first (paid up to, suspended since, months not paid), then what to do by when;
    # the suspension rule once, not again as the general duty rule.
    assert [n["code"] for n in april["notes"]] == ["PAYMENT_SUSPENDED", "NEXT_CHECKIN"]
    note, todo = (n["message"] for n in april["notes"])
    assert note == (
        "您的失业保险金发放到2026年2月；因连续2个月未进行资格核验，自2026年3月起暂停发放，"
        "2026年3月、4月不发放，暂停期间不影响您应享受的待遇总月数。"
    )
    assert todo == "请于2026年4月1日至30日通过线上或线下方式办理资格核验，符合发放条件的，从2026年5月起恢复发放。"
    said = "".join(n["message"] for n in april["notes"])
    assert said.count("暂停发放") == 1 and said.count("总月数") == 1 and said.count("恢复发放") == 1
    assert any("连续两个月未进行资格核验" in c["quote"] for c in april["notes"][0]["citations"])
    with time_machine.travel(local(2026, 4, 10), tick=False):
        code, body = checkin(client, claim_id, "2026-04")
        assert (code, body["status"]) == (201, "accepted")
        # The check-in's answer leads with the suspension (not with the resumption alone).
        assert [e["code"] for e in body["effects"]] == ["QUALIFICATION_CHECKED", "PAYMENT_SUSPENDED", "PAYMENT_RESUMES"]
        done, suspended, resumes = (e["message"] for e in body["effects"])
        assert done == "已完成2026年4月资格核验。"
        assert suspended == note
        assert resumes == "符合发放条件的，从2026年5月起恢复发放。请于2026年5月1日至31日办理2026年5月的资格核验。"
        assert body["citations"] and all(c["document"] == "渝人社办〔2025〕112号" for c in body["citations"])
    mid_april = status(client, claim_id, "2026-04-20")
    assert mid_april["suspended"] is True and mid_april["resumes_from"] == "2026-05"
    assert [n["message"] for n in mid_april["notes"]] == [note, resumes]
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
