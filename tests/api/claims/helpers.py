"""Small factories for claims tests (plain functions, no fixtures)."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from api.claims.identity import check_digit

SH = ZoneInfo("Asia/Shanghai")
AUTH = {"Authorization": "Bearer dev-token"}
_serial = itertools.count(1)
NO_STOP = {
    "reemployed": False,
    "business_registered": False,
    "receiving_pension": False,
    "enlisted": False,
    "emigrated": False,
    "refused_job_offer": False,
}


def id_number(prefix: str = "120101", birth: str = "19800101", serial: int | None = None) -> str:
    """A valid resident ID number (GB 11643 check digit)."""
    seq = serial if serial is not None else next(_serial) % 1000
    first17 = f"{prefix}{birth}{seq:03d}"
    return first17 + check_digit(first17)


def phone(serial: int | None = None) -> str:
    return f"139{(serial if serial is not None else next(_serial)) % 10**8:08d}"


def local(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=SH)


def claim_body(region: str = "120000", start: str = "2026-01", months: int = 12, **claimant: str) -> dict[str, Any]:
    person = {"name": "张三", "id_number": id_number(), "phone": phone()}
    person.update(claimant)
    return {"claimant": person, "region": region, "start_month": start, "benefit_months": months}


def create_claim(client: TestClient, region: str = "120000", start: str = "2026-01", months: int = 12) -> int:
    r = client.post("/v1/claims", json=claim_body(region, start, months), headers=AUTH)
    assert r.status_code == 201, r.text
    claim_id: int = r.json()["id"]
    return claim_id


def checkin(
    client: TestClient, claim_id: int, month: str, at: datetime | None = None, **answers: bool
) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"month": month, "channel": "web", "answers": NO_STOP | answers}
    if at is not None:
        body["at"] = at.isoformat()
    r = client.post(f"/v1/claims/{claim_id}/checkins", json=body, headers=AUTH)
    return r.status_code, r.json()
