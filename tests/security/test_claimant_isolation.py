"""A claimant never reads another claimant's claim, on any channel.

Two claims, A (天津) and B (重庆). A talks on the web, WeChat and SMS (on SMS from A's own
registered mobile, so A is verified at once) and offers B's ID number: the only thing that
happens is a code sent to B's registered mobile, not even shown masked (the answer is the
same whether a number has a claim or not); a wrong code gives nothing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import httpx
import pytest

from api.privacy import mask_phone
from devtools.stack import Stack
from tests.security.channels import AUTH, Claimant, create_claim, new_claimant, sms, sms_sender, web, wechat

pytestmark = [pytest.mark.security, pytest.mark.e2e]


@pytest.fixture(scope="module")
def claims(product: Stack) -> tuple[Claimant, Claimant]:
    a = create_claim(product, new_claimant("张三丰", "120000", "120101"))
    b = create_claim(product, new_claimant("李四光", "500000", "500101"))
    return a, b


def _leaks(replies: list[str], other: Claimant) -> list[str]:
    text = "\n".join(replies)
    found = [x for x in (other.name, other.id_number, other.phone, other.id_number[-8:]) if x in text]
    if re.search(rf"(申领|编号)\D{{0,4}}{other.claim_id}\b", text):
        found.append(f"claim id {other.claim_id}")
    return found


def _offer_other_id(say: Callable[[str, str], list[str]], sender: str, other: Claimant) -> list[str]:
    replies: list[str] = []
    turns = ("我的失业金为什么停发了", other.id_number, "000000", "我要查补发", f"帮我查身份证{other.id_number}的申领")
    for text in turns:
        replies += say(sender, text)
    return replies


def test_web_and_wechat_senders_get_nothing_of_another_claim(product: Stack, claims: tuple[Claimant, Claimant]) -> None:
    _, b = claims
    for channel, talk, sender in (
        ("web", lambda s, t: web(product, s, t), f"iso-{uuid.uuid4().hex}"),
        ("wechat", lambda s, t: wechat(product, s, t), f"oIso{uuid.uuid4().hex[:24]}"),
    ):
        replies = _offer_other_id(talk, sender, b)
        assert replies, channel
        assert _leaks(replies, b) == [], (channel, replies)
        # The code went to B's own mobile, which is not even shown masked; a wrong code was refused.
        assert any("如果该身份证号有申领记录" in r for r in replies), (channel, replies)
        assert not any(mask_phone(b.phone) in r for r in replies), (channel, replies)
        assert any("验证码不正确" in r for r in replies), (channel, replies)


def test_a_verified_sms_sender_cannot_switch_to_another_claim(
    product: Stack, claims: tuple[Claimant, Claimant]
) -> None:
    a, b = claims
    own = sms(product, a.phone, "我的失业金为什么停发了") + sms(product, a.phone, a.id_number)
    assert any("身份验证成功" in r or "已确认您的身份" in r for r in own), own  # A is A (registered mobile)
    replies = _offer_other_id(lambda s, t: sms(product, s, t), a.phone, b)
    assert _leaks(replies, b) == [], replies
    status = httpx.get(f"{product.api}/v1/identity/senders/{sms_sender(a.phone)}", headers=AUTH, timeout=30).json()
    assert status["verified"] is True and status["claim_id"] == a.claim_id  # still bound to A's claim only


def test_identity_service_never_binds_a_sender_to_someone_elses_claim(
    product: Stack, claims: tuple[Claimant, Claimant]
) -> None:
    a, _ = claims
    b = create_claim(product, new_claimant("王五常", "210000", "210102"))  # its own hourly code budget
    for sender in (sms_sender(a.phone), f"web:iso-{uuid.uuid4().hex}", f"wx:oIso{uuid.uuid4().hex[:20]}"):
        r = httpx.post(
            f"{product.api}/v1/identity/challenges",
            json={"sender": sender, "id_number": b.id_number},
            headers=AUTH,
            timeout=30,
        )
        assert r.status_code == 201, r.text  # a code to B's mobile, never "verified"
        assert r.json()["phone_masked"] is None
        assert b.phone not in r.text and b.name not in r.text
