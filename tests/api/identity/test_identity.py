"""Claimant identity: one-time codes, attempts, expiry, bindings per channel, the SMS factor, no leaks.

Handles, quotas and the gateway have their own modules (test_handles.py, test_quotas.py,
tests/security/test_claimant_pii.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.channels.sms.senders import pseudonym, remember
from api.claims.identity import check_digit
from api.db import utcnow
from api.identity.models import IdentityChallenge
from api.identity.service import CODE_SENT_MESSAGE
from api.notify.models import SmsMessage
from api.settings import DEV_DIALOGUE_TOKEN
from tests.production import PRODUCTION_SETTINGS

SH = ZoneInfo("Asia/Shanghai")
OTHER_ID = "110105199003070025"  # valid check digit, no claim


@dataclass(frozen=True)
class Person:
    claim_id: int
    id_number: str
    phone: str

    @property
    def phone_masked(self) -> str:
        return self.phone[:3] + "****" + self.phone[-4:]


@pytest.fixture
def person(client: TestClient, auth_headers: dict[str, str]) -> Person:
    """A claimant with a claim; each test its own (rows of other tests may be visible on some backends)."""
    first17 = f"120101{random.randint(1960, 1999)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
    first17 += f"{random.randrange(1000):03d}"
    id_number, phone = first17 + check_digit(first17), f"138{random.randrange(10**8):08d}"
    body = {
        "claimant": {"name": "张三", "id_number": id_number, "phone": phone},
        "region": "120000",
        "start_month": "2026-01",
        "benefit_months": 12,
    }
    response = client.post("/v1/claims", json=body, headers=auth_headers)
    assert response.status_code == 201, response.text
    return Person(claim_id=response.json()["id"], id_number=id_number, phone=phone)


def challenge(client: TestClient, headers: dict[str, str], sender: str, id_number: str) -> Any:
    return client.post("/v1/identity/challenges", json={"sender": sender, "id_number": id_number}, headers=headers)


def dev_code(client: TestClient, challenge_id: str) -> str:
    """The code as the claimant's phone received it (the development provider's handset)."""
    received = client.app.state.sms.handset.received(f"otp:{challenge_id}")  # type: ignore[attr-defined]
    assert received is not None, "no code was sent for this challenge"
    code: str = received["code"]
    return code


def verify(client: TestClient, headers: dict[str, str], challenge_id: str, code: str) -> Any:
    return client.post(f"/v1/identity/challenges/{challenge_id}/verify", json={"code": code}, headers=headers)


def sender_status(client: TestClient, headers: dict[str, str], sender: str) -> dict[str, Any]:
    response = client.get(f"/v1/identity/senders/{sender}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def until(body: dict[str, Any]) -> timedelta:
    return datetime.fromisoformat(body["verified_until"]) - utcnow()


def otp_messages(session: Session, person: Person) -> list[SmsMessage]:
    stmt = select(SmsMessage).where(SmsMessage.template_code == "OTP", SmsMessage.phone == person.phone)
    return list(session.scalars(stmt))


def test_code_verifies_and_binds_a_wechat_sender(
    client: TestClient, auth_headers: dict[str, str], person: Person, session: Session
) -> None:
    sender = "wx:oBind123"
    started = challenge(client, auth_headers, sender, person.id_number)
    assert started.status_code == 201
    body = started.json()
    assert set(body) == {"challenge_id", "phone_masked", "expires_at", "verified", "message"}
    assert body["verified"] is False and body["phone_masked"] is None and body["message"] == CODE_SENT_MESSAGE
    assert timedelta(minutes=4) < datetime.fromisoformat(body["expires_at"]) - utcnow() <= timedelta(minutes=5)
    (sms,) = otp_messages(session, person)
    code = dev_code(client, body["challenge_id"])
    # Once sent, the code is not readable from the database: the outbox row keeps it redacted.
    assert sms.text == "【失业保险服务】您的验证码为******，5分钟内有效。请勿告诉他人。"
    assert sms.params == {"code": "******"} and code not in str(sms.params) + sms.text
    assert sender_status(client, auth_headers, sender) == {"verified": False, "claim_id": None, "verified_until": None}

    done = verify(client, auth_headers, body["challenge_id"], code)
    assert done.status_code == 200
    assert done.json()["verified"] is True and done.json()["claim_id"] == person.claim_id
    status = sender_status(client, auth_headers, sender)
    assert status["verified"] is True and status["claim_id"] == person.claim_id
    assert timedelta(days=179) < until(status) <= timedelta(days=180)
    # Next month the bound OpenID is verified at once: no new code.
    again = challenge(client, auth_headers, sender, person.id_number)
    assert again.status_code == 200
    assert again.json()["verified"] is True and again.json()["claim_id"] == person.claim_id
    assert len(otp_messages(session, person)) == 1
    # A used code cannot be used again.
    reused = verify(client, auth_headers, body["challenge_id"], code)
    assert reused.status_code == 410


def test_wrong_codes_are_counted_then_the_challenge_dies(
    client: TestClient, auth_headers: dict[str, str], person: Person, session: Session
) -> None:
    sender = "wx:oWrong"
    challenge_id = challenge(client, auth_headers, sender, person.id_number).json()["challenge_id"]
    code = dev_code(client, challenge_id)
    wrong = "000000" if code != "000000" else "111111"
    lefts = []
    for _ in range(4):
        response = verify(client, auth_headers, challenge_id, wrong)
        assert response.status_code == 422
        lefts.append(response.json()["error"]["attempts_left"])
        assert response.json()["error"]["message"] == f"验证码不正确，还可以再试{lefts[-1]}次。"
    assert lefts == [4, 3, 2, 1]
    fifth = verify(client, auth_headers, challenge_id, wrong)
    assert fifth.status_code == 429
    assert fifth.json()["error"]["code"] == "otp_locked"
    dead = verify(client, auth_headers, challenge_id, code)  # even the right code: the challenge is dead
    assert dead.status_code == 429
    assert sender_status(client, auth_headers, sender)["verified"] is False
    row = session.get(IdentityChallenge, challenge_id)
    assert row is not None and row.attempts == 5 and row.status == "locked"


def test_expired_code_is_refused(client: TestClient, auth_headers: dict[str, str], person: Person) -> None:
    sender = "wx:oLate"
    with time_machine.travel(utcnow(), tick=False) as traveller:
        challenge_id = challenge(client, auth_headers, sender, person.id_number).json()["challenge_id"]
        code = dev_code(client, challenge_id)
        traveller.shift(timedelta(minutes=5, seconds=1))
        late = verify(client, auth_headers, challenge_id, code)
    assert late.status_code == 410
    assert "过期" in late.json()["error"]["message"]
    assert sender_status(client, auth_headers, sender)["verified"] is False


def test_the_registered_mobile_is_an_identity_factor(
    client: TestClient, auth_headers: dict[str, str], person: Person, session: Session
) -> None:
    # The SMS channel records which mobile a pseudonymous sender is; identity learns it from there.
    key = client.app.state.settings.secret_key  # type: ignore[attr-defined]
    own_sender = remember(session, secret_key=key, phone=person.phone)
    session.flush()
    assert own_sender == pseudonym(key, person.phone) and person.phone not in own_sender
    own = challenge(client, auth_headers, own_sender, person.id_number)
    assert own.status_code == 200
    assert own.json()["verified"] is True and own.json()["claim_id"] == person.claim_id
    status = sender_status(client, auth_headers, own_sender)
    assert timedelta(days=29) < until(status) <= timedelta(days=30)
    assert otp_messages(session, person) == []  # no code needed
    # Another mobile with the same ID number still needs the code sent to the registered one.
    other = challenge(client, auth_headers, remember(session, secret_key=key, phone="13900009999"), person.id_number)
    assert other.status_code == 201
    assert len(otp_messages(session, person)) == 1


def test_a_sender_string_naming_the_mobile_proves_nothing(
    client: TestClient, auth_headers: dict[str, str], person: Person, session: Session
) -> None:
    # "sms:<registered mobile>" was never recorded by the SMS channel: a code is needed.
    claimed = challenge(client, auth_headers, f"sms:{person.phone}", person.id_number)
    assert claimed.status_code == 201 and claimed.json()["verified"] is False
    # Nor does a pseudonym the channel never recorded.
    key = client.app.state.settings.secret_key  # type: ignore[attr-defined]
    forged = challenge(client, auth_headers, pseudonym(key, person.phone), person.id_number)
    assert forged.status_code == 201 and forged.json()["verified"] is False


def test_web_sessions_are_bound_briefly(client: TestClient, auth_headers: dict[str, str], person: Person) -> None:
    sender = "web:web-abc"
    with time_machine.travel(utcnow(), tick=False) as traveller:
        challenge_id = challenge(client, auth_headers, sender, person.id_number).json()["challenge_id"]
        assert verify(client, auth_headers, challenge_id, dev_code(client, challenge_id)).status_code == 200
        assert until(sender_status(client, auth_headers, sender)) == timedelta(minutes=30)
        traveller.shift(timedelta(minutes=31))
        assert sender_status(client, auth_headers, sender)["verified"] is False


def test_an_id_number_without_a_claim_is_answered_like_one_with_a_claim(
    client: TestClient, auth_headers: dict[str, str], person: Person, session: Session
) -> None:
    known = challenge(client, auth_headers, "wx:oX1", person.id_number)
    unknown = challenge(client, auth_headers, "wx:oX2", OTHER_ID)
    assert known.status_code == unknown.status_code == 201
    shape = {k: v for k, v in known.json().items() if k not in ("challenge_id", "expires_at")}
    assert {k: v for k, v in unknown.json().items() if k not in ("challenge_id", "expires_at")} == shape
    assert person.phone[-4:] not in known.text and "张" not in known.text
    # Nothing was sent for the decoy, and no code verifies it (each try counts, as for a real one).
    decoy = unknown.json()["challenge_id"]
    assert dev_code_or_none(client, decoy) is None
    for code in ("000000", "123456"):
        wrong = verify(client, auth_headers, decoy, code)
        assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "otp_wrong"
    assert sender_status(client, auth_headers, "wx:oX2")["verified"] is False


def dev_code_or_none(client: TestClient, challenge_id: str) -> dict[str, str] | None:
    handset = client.app.state.sms.handset  # type: ignore[attr-defined]
    received: dict[str, str] | None = handset.received(f"otp:{challenge_id}")
    return received


def test_invalid_id_numbers(client: TestClient, auth_headers: dict[str, str], person: Person) -> None:
    wrong_check = person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1")
    bad_digit = challenge(client, auth_headers, "wx:oX", wrong_check)
    assert bad_digit.status_code == 422
    assert "校验位" in bad_digit.json()["error"]["fields"]["id_number"]
    assert challenge(client, auth_headers, "email:x", person.id_number).status_code == 422
    assert challenge(client, auth_headers, "wx:oX", "12345").status_code == 422


def test_nothing_is_revealed_to_an_unverified_sender(
    client: TestClient, auth_headers: dict[str, str], person: Person
) -> None:
    started = challenge(client, auth_headers, "wx:oNosy", person.id_number).json()
    assert "claim_id" not in started and "name" not in str(started) and person.id_number not in str(started)
    assert sender_status(client, auth_headers, "wx:oNosy") == {
        "verified": False,
        "claim_id": None,
        "verified_until": None,
    }
    assert verify(client, auth_headers, "ch_unknown", "123456").status_code == 404
    assert (
        client.post("/v1/identity/challenges", json={"sender": "wx:o", "id_number": person.id_number}).status_code
        == 401
    )
    assert client.get("/v1/identity/senders/wx:oNosy").status_code == 401


def test_codes_are_stored_hashed(
    client: TestClient, auth_headers: dict[str, str], person: Person, session: Session
) -> None:
    challenge_id = challenge(client, auth_headers, "wx:oHash", person.id_number).json()["challenge_id"]
    code = dev_code(client, challenge_id)
    row = session.get(IdentityChallenge, challenge_id)
    assert row is not None
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert code not in str({c.name: getattr(row, c.name) for c in IdentityChallenge.__table__.columns})


def test_codes_are_not_resent_within_a_minute_and_limited_per_hour(
    client: TestClient, auth_headers: dict[str, str], person: Person, session: Session
) -> None:
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        first = challenge(client, auth_headers, "wx:oMany", person.id_number).json()
        assert (
            challenge(client, auth_headers, "wx:oMany", person.id_number).json()["challenge_id"]
            == first["challenge_id"]
        )
        assert len(otp_messages(session, person)) == 1
        traveller.shift(timedelta(seconds=61))
        assert challenge(client, auth_headers, "wx:oMany", person.id_number).status_code == 201
        # A stranger to the claim gets at most two of its codes an hour (see api/identity/quotas.py).
        traveller.shift(timedelta(seconds=61))
        refused = challenge(client, auth_headers, "wx:oMany", person.id_number)
        assert refused.status_code == 429
        # How long: until the first of the hour's two codes ages out (an hour after it, 122 s ago).
        error = refused.json()["error"]
        wait = 3600 - 122
        assert error["code"] == "otp_rate_limited" and error["retry_after_seconds"] == wait
        assert refused.headers["retry-after"] == str(wait)
        until = (start + timedelta(hours=1)).astimezone(SH)
        assert error["retry_at"] == until.isoformat(timespec="seconds")
        assert error["message"].startswith(f"验证码获取次数过多，请在58分钟后（{until:%H:%M}以后）再试。")
        assert len(otp_messages(session, person)) == 2


def test_dev_code_is_refused_in_production(app_factory: Callable[..., FastAPI]) -> None:
    with TestClient(app_factory(**PRODUCTION_SETTINGS)) as client:
        response = client.get("/v1/identity/dev/last-code", params={"sender": "web:web-1"})
    assert response.status_code == 404


def test_the_dialogue_engine_acts_only_for_the_conversation_it_names(
    client: TestClient, auth_headers: dict[str, str], person: Person
) -> None:
    """A forged tracker or /execute cannot make the action server verify or read another sender."""
    mine, theirs = "web:iso-own-0123456789ab", "web:iso-other-0123456789ab"
    engine = {"Authorization": f"Bearer {DEV_DIALOGUE_TOKEN}", "X-Claimant-Sender": mine}
    nameless = {"Authorization": f"Bearer {DEV_DIALOGUE_TOKEN}"}

    for headers in (engine, nameless):
        refused = challenge(client, headers, theirs, person.id_number)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "sender_mismatch"
        assert client.get(f"/v1/identity/senders/{theirs}", headers=headers).status_code == 403
    assert client.get(f"/v1/identity/senders/{mine}", headers=engine).status_code == 200

    # Their challenge (made by an agency system) is "not found" to the engine acting for `mine`.
    started = challenge(client, auth_headers, theirs, person.id_number)
    assert started.status_code == 201, started.text
    challenge_id = started.json()["challenge_id"]
    code = dev_code(client, challenge_id)
    assert verify(client, engine, challenge_id, code).status_code == 404
    assert sender_status(client, auth_headers, theirs)["verified"] is False
    assert verify(client, {**engine, "X-Claimant-Sender": theirs}, challenge_id, code).status_code == 200
