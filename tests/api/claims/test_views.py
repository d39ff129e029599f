"""Creating and reading claims; bad input is a 422 naming the field and writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from api.audit import list_audit
from api.claims.models import Checkin, Claim, Claimant
from api.db import get_session
from api.notify.models import SmsMessage
from tests.api.claims.helpers import AUTH, NO_STOP, checkin, claim_body, create_claim, id_number, local


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_create_and_read_claim_masks_personal_data(client: TestClient, session: Session) -> None:
    number = id_number(serial=123)
    body = claim_body("天津")
    body["claimant"] |= {"id_number": number, "phone": "13800001234"}
    r = client.post("/v1/claims", json=body, headers=AUTH)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["claimant"] == {
        "name": "张三",
        "id_number": number[:4] + "*" * 10 + number[-4:],
        "phone": "138****1234",
    }
    assert created["region"]["code"] == "120000"
    assert (created["start_month"], created["benefit_months"], created["end_month"]) == ("2026-01", 12, "2026-12")
    assert created["status"] == "active"
    read = client.get(f"/v1/claims/{created['id']}", headers=AUTH)
    assert read.status_code == 200
    assert read.json() == created
    assert number not in read.text
    # The clear ID number is not stored anywhere.
    claimant = session.scalars(select(Claimant).where(Claimant.id_masked == created["claimant"]["id_number"])).one()
    assert number not in (claimant.id_hash, claimant.id_masked)
    events = list_audit(session, entity_type="claim", entity_id=created["id"])
    assert [e.action for e in events] == ["claim.create"]
    assert events[0].actor == "integration:token-dev-"
    assert events[0].after is not None and number not in str(events[0].after)
    sms = session.scalars(select(SmsMessage).where(SmsMessage.dedup_key == f"review:claim-{created['id']}")).one()
    assert sms.template_code == "REVIEW_RESULT" and "12个月" in sms.text


def test_region_below_a_known_one_resolves_to_it(client: TestClient) -> None:
    r = client.post("/v1/claims", json=claim_body("500103"), headers=AUTH)
    assert r.status_code == 201
    assert r.json()["region"]["code"] == "500000"
    national = client.post("/v1/claims", json=claim_body("广东省"), headers=AUTH)
    assert national.status_code == 201
    assert national.json()["region"]["code"] == "CN"
    assert "当地规定可能不同" in national.json()["region"]["note"]


def test_bad_input_is_422_naming_the_field_and_writes_nothing(client: TestClient, session: Session) -> None:
    before = (count(session, Claim), count(session, Claimant), count(session, SmsMessage))
    good = id_number(serial=7)
    wrong_digit = good[:17] + ("0" if good[17] != "0" else "1")
    cases = [
        ({"id_number": wrong_digit}, "claimant.id_number", "校验位"),
        ({"id_number": "12010119801301001X"}, "claimant.id_number", "出生日期"),
        ({"id_number": "1201011980"}, "claimant.id_number", "18位"),
        ({"phone": "1380000123"}, "claimant.phone", "手机号码"),
        ({"phone": "12800001234"}, "claimant.phone", "手机号码"),
    ]
    for claimant, field, words in cases:
        r = client.post("/v1/claims", json=claim_body(**claimant), headers=AUTH)
        assert r.status_code == 422, (claimant, r.text)
        error = r.json()["error"]
        assert field in error["fields"] and words in error["fields"][field], error
    for body, field in [
        (claim_body() | {"region": "火星"}, "region"),
        (claim_body() | {"start_month": "2026-13"}, "start_month"),
        (claim_body() | {"benefit_months": 25}, "benefit_months"),
        (claim_body() | {"benefit_months": 0}, "benefit_months"),
    ]:
        r = client.post("/v1/claims", json=body, headers=AUTH)
        assert r.status_code == 422, r.text
        assert field in r.json()["error"]["fields"]
    assert (count(session, Claim), count(session, Claimant), count(session, SmsMessage)) == before


def test_same_person_twice_is_one_claimant_and_a_different_name_is_refused(client: TestClient) -> None:
    number = id_number(serial=555)
    first = client.post("/v1/claims", json=claim_body(id_number=number, phone="13900000001"), headers=AUTH)
    second = client.post(
        "/v1/claims", json=claim_body(start="2027-01", id_number=number, phone="13900000002"), headers=AUTH
    )
    assert first.status_code == second.status_code == 201
    assert second.json()["claimant"]["phone"] == "139****0002"
    other = client.post("/v1/claims", json=claim_body(id_number=number, name="李四"), headers=AUTH)
    assert other.status_code == 409
    assert "claimant.name" in other.json()["error"]["fields"]


def test_checkin_bad_month_and_unknown_claim(client: TestClient, session: Session) -> None:
    claim_id = create_claim(client)
    status, body = checkin(client, claim_id, "2026-13", local(2026, 3, 10))
    assert status == 422
    assert "month" in body["error"]["fields"] and "YYYY-MM" in body["error"]["fields"]["month"]
    status, body = checkin(client, claim_id, "2025-12", local(2025, 12, 10))
    assert status == 422 and "早于" in body["error"]["fields"]["month"]
    status, body = checkin(client, claim_id, "2027-01", local(2026, 1, 10))
    assert status == 422 and "领取期限" in body["error"]["fields"]["month"]
    status, body = checkin(client, 999_999, "2026-03", local(2026, 3, 10))
    assert status == 404 and body["error"]["code"] == "claim_not_found"
    r = client.post(
        f"/v1/claims/{claim_id}/checkins",
        json={"month": "2026-03", "channel": "web", "answers": {**NO_STOP, "reemployed": "maybe"}},
        headers=AUTH,
    )
    assert r.status_code == 422 and "answers.reemployed" in r.json()["error"]["fields"]
    missing = {k: v for k, v in NO_STOP.items() if k != "enlisted"}
    r = client.post(
        f"/v1/claims/{claim_id}/checkins", json={"month": "2026-03", "channel": "web", "answers": missing}, headers=AUTH
    )
    assert r.status_code == 422 and "answers.enlisted" in r.json()["error"]["fields"]
    assert session.scalars(select(Checkin).where(Checkin.claim_id == claim_id)).all() == []


def test_checkin_in_the_future_is_refused(client: TestClient) -> None:
    claim_id = create_claim(client, start="2026-01")
    status, body = checkin(client, claim_id, "2026-03", local(2099, 3, 10))
    assert status == 422 and "at" in body["error"]["fields"]


def test_status_bad_as_of(client: TestClient) -> None:
    claim_id = create_claim(client)
    r = client.get(f"/v1/claims/{claim_id}/status?as_of=2026-02-30", headers=AUTH)
    assert r.status_code == 422 and "as_of" in r.json()["error"]["fields"]
    r = client.get(f"/v1/claims/{claim_id}/backpay?as_of=1900-01-01", headers=AUTH)
    assert r.status_code == 422 and "as_of" in r.json()["error"]["fields"]


def test_claims_need_a_token(client: TestClient) -> None:
    assert client.post("/v1/claims", json=claim_body()).status_code == 401
    assert client.get("/v1/claims/1", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_default_monthly_rules_are_configurable_and_said(
    app_factory: Callable[..., FastAPI], connection: Connection
) -> None:
    app = app_factory(claims_default_monthly_region="500000")

    def _session() -> Iterator[Session]:
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            yield s
            s.commit()

    app.dependency_overrides[get_session] = _session
    with TestClient(app) as c:
        claim_id = create_claim(c, "210000", "2026-01", 12)
        code, body = checkin(c, claim_id, "2026-01", local(2026, 1, 10))
        assert code == 201 and body["effects"][-1]["code"] == "DEFAULT_MONTHLY_RULES"
        assert "参照重庆市" in body["effects"][-1]["message"]
        status = c.get(f"/v1/claims/{claim_id}/status?as_of=2026-04-05", headers=AUTH).json()
    assert status["duty"] == "qualification_check" and status["duty_by_default"] is True
    assert status["suspended"] is True
    assert "按系统默认规则参照重庆市" in status["notes"][-1]["message"]
