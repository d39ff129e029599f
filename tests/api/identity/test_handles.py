"""The gateway's substitution: ID numbers and pending codes become handles; nothing else does."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.claims.identity import check_digit, id_hash
from api.db import utcnow
from api.errors import ForbiddenError, ValidationFailed
from api.identity.enums import ChallengeStatus
from api.identity.handles import (
    HANDLE,
    code_digest,
    resolve_code,
    resolve_id,
    substitute,
    valid_id_number,
)
from api.identity.models import IdentityChallenge, IdentityHandle

KEY = "test-secret-key"


def an_id() -> str:
    first17 = f"500103{random.randint(1960, 1999)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
    first17 += f"{random.randrange(1000):03d}"
    return first17 + check_digit(first17)


def a_sender() -> str:
    return f"web:web-{random.randrange(16**32):032x}"


NOT_ID_NUMBERS = [
    "10月和11月的钱能补发吗",
    "1月份的核验怎么办理",
    "2026年3月",
    "交了6年",
    "我的手机是13800001234",
    "每月1850元，2026-03-10到账",
    "20260310",
    "工号 00123456",
    "电话 022-23456789 转 8001",
    "13800001234 123456",
]


@pytest.mark.parametrize("text", NOT_ID_NUMBERS)
def test_months_dates_amounts_and_phones_are_never_replaced(session: Session, text: str) -> None:
    out, changed = substitute(session, secret_key=KEY, sender=a_sender(), text=text)
    assert (out, changed) == (text, False)


@pytest.mark.parametrize("template", ["{}", "我的身份证是{}", "身份证号：{}，麻烦了", "{} 签到"])
def test_a_valid_id_number_becomes_a_handle_that_reveals_nothing(session: Session, template: str) -> None:
    number, sender = an_id(), a_sender()
    out, changed = substitute(session, secret_key=KEY, sender=sender, text=template.format(number))
    assert changed and number not in out and number[-4:] not in out
    (handle,) = HANDLE.findall(out)
    assert out == template.format(handle)
    row = session.get(IdentityHandle, handle)
    assert row is not None and row.sender == sender and row.kind == "id"
    # The row keeps the keyed hash the claims are found by and the mask, never the number.
    assert row.digest == id_hash(number, secret_key=KEY) and row.masked == number[:4] + "*" * 10 + number[-4:]
    assert number not in str({c.name: getattr(row, c.name) for c in IdentityHandle.__table__.columns})
    assert resolve_id(session, handle=handle, sender=sender).digest == row.digest


def test_lower_case_x_and_spaces_are_read(session: Session) -> None:
    number = an_id()
    while not number.endswith("X"):
        number = an_id()
    spaced = f"{number[:6]} {number[6:14]} {number[14:-1]}x"
    out, changed = substitute(session, secret_key=KEY, sender=a_sender(), text=f"身份证 {spaced}")
    assert changed and HANDLE.search(out) and number[:6] not in out


def test_an_id_shaped_number_that_fails_the_check_is_masked_not_kept(session: Session) -> None:
    number = an_id()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert valid_id_number(wrong) is None
    out, changed = substitute(session, secret_key=KEY, sender=a_sender(), text=f"身份证{wrong}")
    assert changed and out == f"身份证{wrong[:4]}{'*' * 10}{wrong[-4:]}"
    old = "120101800101123"  # a 15-digit number of the old kind: not accepted, not kept either
    assert substitute(session, secret_key=KEY, sender=a_sender(), text=old)[0] == "1201*******1123"
    assert session.scalars(select(IdentityHandle).where(IdentityHandle.masked.like("%" + wrong[-4:]))).all() == []


def test_a_handle_answers_only_its_own_sender_and_only_for_a_while(session: Session) -> None:
    sender = a_sender()
    with time_machine.travel(utcnow(), tick=False) as traveller:
        out, _ = substitute(session, secret_key=KEY, sender=sender, text=an_id())
        with pytest.raises(ForbiddenError):
            resolve_id(session, handle=out, sender=a_sender())
        with pytest.raises(ValidationFailed):
            resolve_id(session, handle="idref_" + "a" * 12, sender=sender)  # made up
        with pytest.raises(ValidationFailed):
            resolve_id(session, handle="120101198001011234", sender=sender)  # not a handle
        traveller.shift(timedelta(minutes=31))
        with pytest.raises(ValidationFailed) as gone:
            resolve_id(session, handle=out, sender=sender)
    assert gone.value.code == "handle_expired"


def _pending(session: Session, sender: str, *, minutes: int = 5) -> IdentityChallenge:
    now = utcnow()
    challenge = IdentityChallenge(
        id=f"ch_{random.randrange(10**12)}",
        sender=sender,
        claim_id=1,
        origin=sender,
        known_sender=False,
        phone_masked="138****0000",
        code_hash="0" * 64,
        attempts=0,
        status=ChallengeStatus.pending,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    session.add(challenge)
    session.flush()
    return challenge


def test_six_digits_become_a_code_handle_only_while_a_code_is_pending(session: Session) -> None:
    sender = a_sender()
    assert substitute(session, secret_key=KEY, sender=sender, text="482913") == ("482913", False)
    challenge = _pending(session, sender)
    out, changed = substitute(session, secret_key=KEY, sender=sender, text="验证码 482913")
    assert changed and "482913" not in out
    (handle,) = HANDLE.findall(out)
    assert handle.startswith("coderef_")
    digest = resolve_code(session, handle=handle, sender=sender, challenge_id=challenge.id)
    assert digest == code_digest(KEY, challenge.id, "482913")
    assert resolve_code(session, handle=handle, sender=sender, challenge_id="ch_other") is None
    # Another sender's pending code does not make this sender's digits a code.
    assert substitute(session, secret_key=KEY, sender=a_sender(), text="482913")[1] is False
    # Months and phone numbers stay what they are even while a code is pending.
    assert substitute(session, secret_key=KEY, sender=sender, text="10月和11月的钱 13800001234")[1] is False
