"""Tianjin (按月申领), month by month with the server clock frozen (time-machine)."""

from __future__ import annotations

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import list_audit
from api.claims.models import Checkin
from tests.api.claims.helpers import AUTH, checkin, create_claim, local


def status(client: TestClient, claim_id: int, as_of: str) -> dict:
    r = client.get(f"/v1/claims/{claim_id}/status?as_of={as_of}", headers=AUTH)
    assert r.status_code == 200, r.text
    return r.json()


def test_month_by_month_with_a_lost_month(client: TestClient, session: Session) -> None:
    with time_machine.travel(local(2026, 1, 2), tick=False):
        claim_id = create_claim(client, "120000", "2026-01", 12)
    with time_machine.travel(local(2026, 1, 10), tick=False):
        code, body = checkin(client, claim_id, "2026-01")  # the claimant's own: server clock
        assert (code, body["status"]) == (201, "accepted")
        assert body["checkin"]["at"] == "2026-01-10T10:00:00+08:00"
        assert body["window"] == {"month": "2026-01", "start": "2026-01-05", "end": "2026-01-25"}
        assert body["effects"][0]["code"] == "MONTH_CLAIMED" and body["citations"]
    with time_machine.travel(local(2026, 2, 26), tick=False):
        code, body = checkin(client, claim_id, "2026-02")  # a day after the window closed
        assert (code, body["status"], body["checkin"]) == (200, "outside_window", None)
        codes = [e["code"] for e in body["effects"]]
        assert codes == ["OUTSIDE_WINDOW", "MONTH_LOST", "BACKPAY_OPTIONS"]
        assert "2026年2月" in body["effects"][2]["message"] and "最多3个月" in body["effects"][2]["message"]
    with time_machine.travel(local(2026, 3, 4), tick=False):
        code, body = checkin(client, claim_id, "2026-03")  # before the window opens
        assert body["status"] == "outside_window"
        assert [e["code"] for e in body["effects"]] == ["OUTSIDE_WINDOW", "WINDOW_NOT_OPEN"]
    with time_machine.travel(local(2026, 3, 5), tick=False):
        code, first = checkin(client, claim_id, "2026-03")
        assert first["status"] == "accepted"
    with time_machine.travel(local(2026, 3, 6), tick=False):
        code, again = checkin(client, claim_id, "2026-03")
        assert (code, again["status"]) == (200, "duplicate")
        assert again["checkin"] == first["checkin"]
    months = session.scalars(select(Checkin.month).where(Checkin.claim_id == claim_id).order_by(Checkin.month))
    assert list(months) == ["2026-01", "2026-03"]  # nothing recorded for the refused attempts
    now = status(client, claim_id, "2026-03-10")
    assert (now["months_paid"], now["months_lost"]) == (["2026-01", "2026-03"], ["2026-02"])
    assert now["months_remaining"] == 9
    assert now["next_checkin"] == {"month": "2026-04", "start": "2026-04-05", "end": "2026-04-25"}
    assert now["backpay"]["eligible_months"] == ["2026-02"] and now["backpay"]["apply_by"] == "2026-12-31"
    # What happened to the claimant first, then what to do by when, then the rule without what the
    # lost-month note already said ("不再享受" once).
    assert [n["code"] for n in now["notes"]] == ["MONTHS_LOST", "NEXT_CHECKIN", "MONTHLY_DUTY"]
    assert [n["message"] for n in now["notes"]] == [
        "2026年2月未在规定时间内办理按月申领，当月失业保险金不再享受。",
        "请于2026年4月5日至25日办理2026年4月的按月申领。",
        "领取失业保险金期间实行按月申领，每月5日至25日办理。",
    ]
    assert all(n["citations"] for n in now["notes"])
    actions = [e.action for e in list_audit(session, entity_type="claim", entity_id=claim_id)]
    assert actions == ["claim.create", "claim.checkin", "claim.checkin"]


def test_three_missed_months_suspend_the_medical_premium_from_the_third(client: TestClient) -> None:
    claim_id = create_claim(client, "120000", "2026-01", 12)
    for month, day in [("2026-01", local(2026, 1, 10)), ("2026-02", local(2026, 2, 10))]:
        assert checkin(client, claim_id, month, day)[1]["status"] == "accepted"
    assert status(client, claim_id, "2026-04-26")["medical_premium_suspended"] is False
    may = status(client, claim_id, "2026-05-28")
    assert may["medical_premium_suspended"] is True
    assert may["medical_premium_suspended_from"] == "2026-05"
    assert may["months_lost"] == ["2026-03", "2026-04", "2026-05"]
    note = next(n for n in may["notes"] if n["code"] == "MEDICAL_PREMIUM_SUSPENDED")
    assert "连续3个月" in note["message"] and "2026年5月" in note["message"]
    assert any("自第3个月起暂停代缴" in c["quote"] for c in note["citations"])
    assert checkin(client, claim_id, "2026-06", local(2026, 6, 6))[1]["status"] == "accepted"
    assert status(client, claim_id, "2026-06-28")["medical_premium_suspended"] is False


def test_backpay_options_capped_and_none_after_the_period(client: TestClient) -> None:
    claim_id = create_claim(client, "120000", "2026-01", 6)
    checkin(client, claim_id, "2026-01", local(2026, 1, 10))
    r = client.get(f"/v1/claims/{claim_id}/backpay?as_of=2026-06-28", headers=AUTH)
    body = r.json()
    assert body["applicable"] is True and body["max_months"] == 3
    assert body["candidate_months"] == ["2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert body["eligible_months"] == ["2026-02", "2026-03", "2026-04"]
    assert body["apply_by"] == "2026-06-30"
    assert body["places"] == ["申领区街（镇）党群服务中心", "社保分中心"]
    assert any("最多3个月" in c["quote"] for c in body["citations"])
    after = client.get(f"/v1/claims/{claim_id}/backpay?as_of=2026-07-01", headers=AUTH).json()
    assert after["expired"] is True and after["eligible_months"] == []
    assert "不予补发" in after["message"]
