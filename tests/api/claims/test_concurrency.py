"""Parallel deliveries of the same check-in: one record, every other answer `duplicate`, no 5xx."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from api.audit.models import AuditEvent
from api.claims.models import Checkin, Claimant
from tests.api.claims.helpers import AUTH, NO_STOP, claim_body, id_number, local

WORKERS = 50


def test_fifty_concurrent_checkins_record_one(committed_client: TestClient, engine: Engine) -> None:
    r = committed_client.post("/v1/claims", json=claim_body("120000", "2026-01", 12), headers=AUTH)
    assert r.status_code == 201, r.text
    claim_id = r.json()["id"]
    body = {"month": "2026-06", "at": local(2026, 6, 10).isoformat(), "channel": "wechat", "answers": NO_STOP}

    def deliver(_: int) -> tuple[int, dict]:
        res = committed_client.post(f"/v1/claims/{claim_id}/checkins", json=body, headers=AUTH)
        return res.status_code, res.json()

    with ThreadPoolExecutor(WORKERS) as pool:
        answers = list(pool.map(deliver, range(WORKERS)))
    codes = [code for code, _ in answers]
    assert all(code < 500 for code in codes), codes
    statuses = sorted(a["status"] for _, a in answers)
    assert statuses.count("accepted") == 1 and statuses.count("duplicate") == WORKERS - 1, statuses
    first_ids = {a["checkin"]["id"] for _, a in answers}
    assert len(first_ids) == 1  # every duplicate returns the first record
    with engine.connect() as conn:
        rows = conn.scalar(select(func.count()).select_from(Checkin).where(Checkin.claim_id == claim_id))
        audits = conn.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.entity_id == str(claim_id), AuditEvent.action == "claim.checkin")
        )
    assert rows == 1 and audits == 1


def test_concurrent_claims_of_one_person_share_one_claimant(committed_client: TestClient, engine: Engine) -> None:
    number = id_number(birth="19750505", serial=uuid.uuid4().int % 1000)
    phone = f"137{uuid.uuid4().int % 10**8:08d}"
    body = claim_body("500000", "2026-01", 12, id_number=number, phone=phone, name="王五")

    def create(start: str) -> int:
        return committed_client.post("/v1/claims", json={**body, "start_month": start}, headers=AUTH).status_code

    # Ten claims of one person (different start months): ten rows, one claimant.
    with ThreadPoolExecutor(10) as pool:
        codes = list(pool.map(create, [f"2025-{m:02d}" for m in range(1, 11)]))
    assert codes == [201] * 10
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(Claimant).where(Claimant.phone == phone))
    assert count == 1
