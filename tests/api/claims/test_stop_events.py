"""Check-ins that report a stop event: recorded, payment stops, report deadline in working days."""

from __future__ import annotations

from datetime import date

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import list_audit
from api.claims.models import StopEvent
from policy_kb import add_working_days
from tests.api.claims.helpers import AUTH, checkin, create_claim, local


def test_tianjin_reemployment_stops_from_next_month(client: TestClient, session: Session) -> None:
    claim_id = create_claim(client, "120000", "2026-01", 12)
    with time_machine.travel(local(2026, 3, 10), tick=False):
        code, body = checkin(client, claim_id, "2026-03", reemployed=True)
    assert (code, body["status"]) == (201, "stop_reported")
    stop = body["stop"]
    assert stop["events"] == ["reemployed"] and stop["events_zh"] == ["重新就业"]
    assert stop["stops_from_month"] == "2026-04"  # 自次月起停止发放
    assert stop["report_within_working_days"] == 20
    expected = add_working_days(date(2026, 3, 10), 20).date
    assert stop["report_by"] == expected.isoformat()
    # What was reported, up to when it is paid, from when it stops, what to do by when; each once.
    assert stop["message"] == (
        f"您报告的重新就业属于停发情形：失业保险金发放到2026年3月，自2026年4月起停止发放。"
        f"请于{expected.year}年{expected.month}月{expected.day}日前（情形发生之日起20个工作日内）"
        "告知失业保险经办机构，办理停发手续。"
    )
    assert stop["message"].count("停发") == 2 and stop["message"].count("停止发放") == 1
    assert any("自次月起停止发放" in c["quote"] for c in stop["citations"])
    assert any("20个工作日内" in c["quote"] for c in stop["citations"])
    claim = client.get(f"/v1/claims/{claim_id}", headers=AUTH).json()
    assert (claim["status"], claim["stop_from_month"]) == ("stopped", "2026-04")
    row = session.scalars(select(StopEvent).where(StopEvent.claim_id == claim_id)).one()
    assert (row.events, row.report_by) == (["reemployed"], expected)
    actions = [e.action for e in list_audit(session, entity_type="claim", entity_id=claim_id)]
    assert actions == ["claim.create", "claim.checkin", "claim.stop", "claim.status_change"]
    code, later = checkin(client, claim_id, "2026-04", local(2026, 4, 10))
    assert code == 409 and later["error"]["code"] == "claim_stopped"
    status = client.get(f"/v1/claims/{claim_id}/status?as_of=2026-05-10", headers=AUTH).json()
    assert status["stopped"] is True and status["ledger"][-1]["month"] == "2026-03"
    assert status["months_remaining"] == 9


def test_chongqing_stop_from_the_event_month_with_given_event_date(client: TestClient) -> None:
    claim_id = create_claim(client, "500000", "2026-01", 12)
    body = {
        "month": "2026-03",
        "at": local(2026, 3, 20).isoformat(),
        "channel": "hotline",
        "event_date": "2026-03-02",
        "answers": {
            "reemployed": False,
            "business_registered": True,
            "receiving_pension": True,
            "enlisted": False,
            "emigrated": False,
            "refused_job_offer": False,
        },
    }
    r = client.post(f"/v1/claims/{claim_id}/checkins", json=body, headers=AUTH)
    assert r.status_code == 201, r.text
    stop = r.json()["stop"]
    assert stop["events"] == ["business_registered", "receiving_pension"]
    # No text says from which month: recorded from the event month, and the claimant is told so.
    assert stop["stops_from_month"] == "2026-03"
    assert "由经办机构核定" in stop["message"]
    assert stop["report_by"] == add_working_days(date(2026, 3, 2), 20).date.isoformat()
    assert any("20 个工作日内" in c["quote"] for c in stop["citations"])


def test_region_without_a_report_deadline_says_to_report_promptly(client: TestClient) -> None:
    claim_id = create_claim(client, "210000", "2026-01", 12)
    code, body = checkin(client, claim_id, "2026-02", local(2026, 2, 10), emigrated=True)
    assert (code, body["status"]) == (201, "stop_reported")
    assert body["stop"]["report_by"] is None and "及时告知" in body["stop"]["message"]


def test_event_date_after_the_checkin_is_refused_and_nothing_is_written(client: TestClient, session: Session) -> None:
    claim_id = create_claim(client, "120000", "2026-01", 12)
    body = {
        "month": "2026-03",
        "at": local(2026, 3, 10).isoformat(),
        "channel": "web",
        "event_date": "2026-03-15",
        "answers": {
            "reemployed": True,
            "business_registered": False,
            "receiving_pension": False,
            "enlisted": False,
            "emigrated": False,
            "refused_job_offer": False,
        },
    }
    r = client.post(f"/v1/claims/{claim_id}/checkins", json=body, headers=AUTH)
    assert r.status_code == 422 and "event_date" in r.json()["error"]["fields"]
    assert client.get(f"/v1/claims/{claim_id}", headers=AUTH).json()["status"] == "active"
    assert [e.action for e in list_audit(session, entity_type="claim", entity_id=claim_id)] == ["claim.create"]
