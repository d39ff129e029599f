"""Finding 12 (issue 12): what a claim is made of cannot be forged, doubled or read two ways.

- Ten concurrent identical POST /v1/claims created ten claims: now one row, one audit event, one
  SMS, and every answer names the same claim (real threads, committed sessions, SQLite and PostgreSQL).
- NUL and U+202E (and other control characters) were stored in names: now a Chinese 422.
- `benefit_months: true` was read as 1, a check-in `at: 0` as 1970: both are refused.
- The constraint's migration keeps existing duplicates (only the oldest gets the key).
"""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from api.audit.models import AuditEvent
from api.claims.models import Claim, Claimant
from api.db import make_engine
from api.migrate import alembic_config, upgrade
from api.notify.models import SmsMessage
from tests.api.claims.helpers import AUTH, NO_STOP, claim_body, id_number, phone
from tests.security.private_db import empty_postgres_schema, postgres_base, schema_url

pytestmark = pytest.mark.security

CJK = re.compile(r"[\u4e00-\u9fff]")
WORKERS = 10


def _person() -> dict[str, str]:
    # A random birth date as well as serial: the committed database keeps earlier runs' claims, and
    # 1,000 serials alone collided (the same ID number, region and month is the same claim).
    u = uuid.uuid4().int
    birth = f"{1960 + u % 40}{1 + u // 40 % 12:02d}{1 + u // 480 % 28:02d}"
    return {
        "id_number": id_number(prefix="110101", birth=birth, serial=u // 13_440 % 1000),
        "phone": phone(uuid.uuid4().int % 10**8),
        "name": "周九",
    }


def _count(engine: Engine, query: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(query) or 0)


def test_ten_concurrent_identical_claims_create_one(committed_client: TestClient, engine: Engine) -> None:
    body = claim_body("120000", "2026-02", 12, **_person())

    def create(_: int) -> tuple[int, dict[str, Any]]:
        r = committed_client.post("/v1/claims", json=body, headers=AUTH)
        return r.status_code, r.json()

    with ThreadPoolExecutor(WORKERS) as pool:
        answers = list(pool.map(create, range(WORKERS)))
    codes = sorted(code for code, _ in answers)
    assert codes == [200] * (WORKERS - 1) + [201], answers
    ids = {a["id"] for _, a in answers}
    assert len(ids) == 1, ids
    claim_id = ids.pop()
    phone_number = body["claimant"]["phone"]
    claims = select(func.count()).select_from(Claim).join(Claimant).where(Claimant.phone == phone_number)
    assert _count(engine, claims) == 1
    audits = (
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "claim.create", AuditEvent.entity_id == str(claim_id))
    )
    assert _count(engine, audits) == 1
    sent = select(func.count()).select_from(SmsMessage).where(SmsMessage.phone == phone_number)
    assert _count(engine, sent) == 1  # the review result went out once


def test_a_repeat_answers_with_the_claim_and_a_different_repeat_is_a_409(committed_client: TestClient) -> None:
    body = claim_body("500000", "2026-03", 12, **_person())
    first = committed_client.post("/v1/claims", json=body, headers=AUTH)
    assert first.status_code == 201, first.text
    again = committed_client.post("/v1/claims", json=body, headers=AUTH)
    assert again.status_code == 200 and again.json() == first.json()
    # The same place named another way (a district of Chongqing) is the same entitlement.
    assert (
        committed_client.post("/v1/claims", json={**body, "region": "重庆"}, headers=AUTH).json()["id"]
        == first.json()["id"]
    )
    other = committed_client.post("/v1/claims", json={**body, "benefit_months": 6}, headers=AUTH)
    assert other.status_code == 409, other.text
    assert other.json()["error"]["code"] == "claim_exists"
    assert str(first.json()["id"]) in other.json()["error"]["message"]
    later = committed_client.post("/v1/claims", json={**body, "start_month": "2026-09"}, headers=AUTH)
    assert later.status_code == 201 and later.json()["id"] != first.json()["id"]


@pytest.mark.parametrize(
    "name", ["张\u0000三", "张三\u202e", "\u202e三张", "张\u2066三", "张\x07三", "张\n三", "张\u200f三", "张\x9b三"]
)
def test_control_and_bidi_characters_in_a_name_are_refused(
    committed_client: TestClient, engine: Engine, name: str
) -> None:
    person = _person()
    body = claim_body("120000", "2026-01", 12, **{**person, "name": name})
    r = committed_client.post("/v1/claims", json=body, headers=AUTH)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert CJK.search(error["message"]) and error["fields"], error
    assert _count(engine, select(func.count()).select_from(Claimant).where(Claimant.phone == person["phone"])) == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/tickets", {"category": "help", "channel": "phone", "region": "500000", "summary": "查询\u202e进度"}),
        (
            "/v1/tickets",
            {
                "category": "help",
                "channel": "phone",
                "region": "500000",
                "summary": "查询进度",
                "transcript": [{"role": "claimant", "text": "你好\u0000"}],
            },
        ),
        ("/v1/operator/suggestions", {"text": "审核\u202e要几天"}),
    ],
)
def test_control_characters_in_stored_free_text_are_refused(
    committed_client: TestClient, path: str, body: dict[str, Any]
) -> None:
    r = committed_client.post(path, json=body, headers=AUTH)
    assert r.status_code == 422, r.text
    assert CJK.search(r.json()["error"]["message"])


@pytest.mark.parametrize("months", [True, False, "12", 12.0, 12.5])
def test_benefit_months_must_be_an_integer(committed_client: TestClient, months: Any) -> None:
    body = claim_body("120000", "2026-01", 12, **_person())
    r = committed_client.post("/v1/claims", json={**body, "benefit_months": months}, headers=AUTH)
    assert r.status_code == 422, r.text
    assert "benefit_months" in r.json()["error"]["fields"]


@pytest.mark.parametrize(
    "at",
    [
        0,
        1,
        1_773_100_800,
        1.5e9,
        True,
        "1970-01-01T08:00:00+08:00",
        "2026-03-10T09:00:00",
        "2026-03-10",
        "9999-12-31T00:00:00+08:00",
        "0",
        "2026-03-10T09:00:00+08:00" + " " * 100,
    ],
)
def test_a_checkin_time_must_be_an_iso_time_with_offset_in_range(committed_client: TestClient, at: Any) -> None:
    r = committed_client.post("/v1/claims", json=claim_body("120000", "2026-01", 12, **_person()), headers=AUTH)
    assert r.status_code == 201, r.text
    body = {"month": "2026-03", "at": at, "channel": "wechat", "answers": NO_STOP}
    checkin = committed_client.post(f"/v1/claims/{r.json()['id']}/checkins", json=body, headers=AUTH)
    assert checkin.status_code == 422, (at, checkin.text)
    assert "at" in checkin.json()["error"]["fields"]


# ---- the migration on a database that already holds duplicates -------------------------------------


def _claims_before_the_constraint(url: str) -> None:
    config = alembic_config(url=url)
    for head in ("0002_claims", "0003_tickets", "0004_staff", "0005_channels"):
        command.upgrade(config, head)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO claimants (id, name, id_hash, id_masked, phone, created_at) "
                "VALUES (1, '甲', 'h1', '1101**********0001', '13800000001', CURRENT_TIMESTAMP)"
            )
        )
        for claim_id, start in ((1, "2026-01"), (2, "2026-01"), (3, "2026-01"), (4, "2026-02")):
            conn.execute(
                text(
                    "INSERT INTO claims (id, claimant_id, region_code, region_matched_code, start_month,"
                    " benefit_months, status, created_at, created_by, updated_at)"
                    " VALUES (:id, 1, '120000', '120000', :start, 12,"
                    " 'active', CURRENT_TIMESTAMP, 'test', CURRENT_TIMESTAMP)"
                ),
                {"id": claim_id, "start": start},
            )
    engine.dispose()


def _check_upgrade(url: str) -> None:
    _claims_before_the_constraint(url)
    upgrade(url=url)
    engine = make_engine(url)
    with engine.connect() as conn:
        keys = dict(conn.execute(text("SELECT id, natural_key FROM claims ORDER BY id")).all())
    engine.dispose()
    assert keys == {1: "1:120000:2026-01", 2: None, 3: None, 4: "1:120000:2026-02"}


def test_the_migration_keeps_existing_duplicates_on_sqlite(tmp_path: Path) -> None:
    _check_upgrade(f"sqlite:///{tmp_path / 'dups.db'}")


def test_the_migration_keeps_existing_duplicates_on_postgresql() -> None:
    base = postgres_base()
    with empty_postgres_schema(base, prefix="mig") as schema:
        _check_upgrade(schema_url(base, schema))
