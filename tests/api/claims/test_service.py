"""The service functions other parts call directly (channels, console, bot)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from sqlalchemy.orm import Session

from api.claims import service
from api.claims.schemas import CheckinAnswers, ClaimCreate
from api.errors import NotFoundError
from policy_kb import default_rule_base
from tests.api.claims.helpers import NO_STOP, claim_body, id_number, local

CONFIG = service.ClaimsConfig(secret_key="test-secret")


def make(session: Session, region: str = "120000", **claimant: str) -> int:
    data = ClaimCreate.model_validate(claim_body(region, **claimant))
    claim = service.create_claim(session=session, data=data, actor="test", rule_base=default_rule_base(), config=CONFIG)
    return claim.id


def test_find_by_id_number_uses_the_keyed_hash(session: Session) -> None:
    number = id_number(birth="19660606", serial=42)
    claim_id = make(session, id_number=number, phone="13512345678")
    found = service.find_claims_by_id_number(session=session, id_number=number.lower(), config=CONFIG)
    assert [c.id for c in found] == [claim_id]
    assert found[0].claimant.phone == "13512345678"
    # Another key finds nothing: the hash is keyed with SECRET_KEY.
    other = service.ClaimsConfig(secret_key="another-secret")
    assert service.find_claims_by_id_number(session=session, id_number=number, config=other) == []
    assert service.find_claims_by_id_number(session=session, id_number="not-a-number", config=CONFIG) == []
    assert [c.id for c in service.find_claims_by_phone(session=session, phone="+86 135-1234-5678")] == [claim_id]
    assert service.find_claims_by_phone(session=session, phone="12345") == []


def test_get_claim_missing_is_not_found(session: Session) -> None:
    with pytest.raises(NotFoundError):
        service.get_claim(session=session, claim_id=123456789)


def test_channel_checkin_uses_the_server_clock(session: Session) -> None:
    claim_id = make(session)
    answers = CheckinAnswers.model_validate(NO_STOP)
    with time_machine.travel(local(2026, 2, 12, 9), tick=False):
        result = service.record_checkin(
            session=session,
            claim_id=claim_id,
            month="2026-02",
            channel="wechat",
            answers=answers,
            at=None,
            actor="channel:wechat",
            rule_base=default_rule_base(),
            config=CONFIG,
        )
    assert result.status == "accepted"
    assert result.checkin is not None and result.checkin.at == local(2026, 2, 12, 9)
    status = service.get_status(
        session=session, claim_id=claim_id, as_of=date(2026, 3, 1), rule_base=default_rule_base(), config=CONFIG
    )
    assert status.months_paid == ["2026-02"] and status.months_lost == ["2026-01"]
    backpay = service.get_backpay(
        session=session, claim_id=claim_id, as_of=date(2026, 3, 1), rule_base=default_rule_base(), config=CONFIG
    )
    assert backpay.eligible_months == ["2026-01"]
