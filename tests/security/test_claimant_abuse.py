"""Issue 12, findings 3 and 11, as attacks on the API (the gateway in front, a stand-in engine).

3. Anyone could lock a claimant out of SMS codes: five anonymous senders typing claim 46's
   ID number used up its hourly code quota, and the real claimant was refused.
11. The web sender id was the only key: the development code and the later messages
   answered any sender by id, a one-character sender was accepted, and limits were per
   sender only, so changing the sender id escaped them.

The stand-in engine (devtools/fake_rasa.py) records what the gateway hands it; each identity
call below is what the bot's action makes of that text (actions/identity.py).
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.claims.identity import check_digit
from api.db import utcnow
from api.identity.models import SenderBinding
from devtools.fake_rasa import FakeRasa

pytestmark = pytest.mark.security

AUTH = {"Authorization": "Bearer dev-token"}
HANDLE = re.compile(r"idref_[a-z]{12}")


@pytest.fixture
def rasa() -> Iterator[FakeRasa]:
    with FakeRasa() as fake:
        yield fake


class Browser:
    """One browser (its own cookies) at one client address, talking through the trusted proxy."""

    def __init__(self, client: TestClient, address: str | None) -> None:
        self.client, self.cookies = client, dict[str, str]()
        self.headers = {"x-forwarded-for": address} if address else {}
        self.app = client.app

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        self.client.cookies.clear()
        for name, value in self.cookies.items():
            self.client.cookies.set(name, value)
        response = self.client.request(method, url, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)
        self.cookies = dict(self.client.cookies.items())
        return response

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.request("POST", url, **kwargs)


@pytest.fixture
def nginx(app_factory: Callable[..., FastAPI], rasa: FakeRasa) -> Iterator[Callable[..., Browser]]:
    """Browsers at client addresses of their choice, behind the trusted proxy (as in compose)."""
    app = app_factory(rasa_url=rasa.url, outbound_sweep_seconds=0, trusted_proxies=["10.0.0.0/8"])
    with TestClient(app, client=("10.0.0.2", 40000)) as proxy:

        def browser(address: str | None, *, page: bool = True) -> Browser:
            made = Browser(proxy, address)
            if page:
                made.get("/chat")  # the chat page and its session cookie
            return made

        yield browser


def a_claim(client: Browser) -> tuple[int, str]:
    first17 = f"120101{random.randint(1960, 1999)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
    first17 += f"{random.randrange(1000):03d}"
    id_number = first17 + check_digit(first17)
    body = {
        "claimant": {"name": "孙六", "id_number": id_number, "phone": f"137{random.randrange(10**8):08d}"},
        "region": "120000",
        "start_month": "2026-01",
        "benefit_months": 12,
    }
    r = client.post("/v1/claims", json=body, headers=AUTH)
    assert r.status_code == 201, r.text
    return int(r.json()["id"]), id_number


def types_id_number(browser: Browser, rasa: FakeRasa, id_number: str) -> tuple[str, Any]:
    """A web sender types the ID number; the bot relays the handle the engine saw."""
    sender = f"web-{uuid.uuid4().hex}"
    assert browser.post("/v1/chat", json={"sender": sender, "message": f"身份证{id_number}"}).status_code == 200
    seen = rasa.calls_for(f"web:{sender}")[-1]
    (handle,) = HANDLE.findall(seen)
    body = {"sender": f"web:{sender}", "id_handle": handle}
    return sender, browser.post("/v1/identity/challenges", json=body, headers=AUTH)


def test_finding_3_strangers_typing_an_id_number_cannot_lock_its_claimant_out(
    nginx: Callable[..., Browser], rasa: FakeRasa
) -> None:
    attacker = nginx("198.51.100.66")
    claim_id, id_number = a_claim(attacker)
    outcomes = [types_id_number(attacker, rasa, id_number)[1].status_code for _ in range(5)]
    # New sender ids from one address: that address gets two of the claim's codes, then nothing.
    assert outcomes == [201, 201, 429, 429, 429]
    # The claimant, from their own network, still gets a code and is verified with it.
    claimant = nginx("203.0.113.20")
    sender, started = types_id_number(claimant, rasa, id_number)
    assert started.status_code == 201, started.text
    code = claimant.get("/v1/identity/dev/last-code", params={"sender": f"web:{sender}"}).json()["code"]
    done = claimant.post(
        f"/v1/identity/challenges/{started.json()['challenge_id']}/verify", json={"code": code}, headers=AUTH
    )
    assert done.status_code == 200 and done.json()["claim_id"] == claim_id


def test_finding_3_a_claimant_verified_before_has_codes_strangers_cannot_use_up(
    nginx: Callable[..., Browser], rasa: FakeRasa
) -> None:
    first = nginx("203.0.113.30")
    _, id_number = a_claim(first)
    own = "wx:oOwn" + uuid.uuid4().hex[:20]  # the claimant's WeChat, verified last month
    started = first.post("/v1/identity/challenges", json={"sender": own, "id_number": id_number}, headers=AUTH).json()
    code = first.app.state.sms.handset.received(f"otp:{started['challenge_id']}")["code"]
    assert (
        first.post(
            f"/v1/identity/challenges/{started['challenge_id']}/verify", json={"code": code}, headers=AUTH
        ).status_code
        == 200
    )

    with first.app.state.sessionmaker() as session:
        session.get(SenderBinding, own).verified_until = utcnow()
        session.commit()
    # Strangers on many networks use up every code strangers may have for this claim…
    refusals = [types_id_number(nginx(f"198.51.100.{i}"), rasa, id_number)[1].status_code for i in range(1, 8)]
    # (the account's own first code, asked before it was verified, was one of the five)
    assert refusals.count(201) == 4 and refusals[-2:] == [429, 429]
    # …and the claimant's own account still gets its code.
    again = first.post("/v1/identity/challenges", json={"sender": own, "id_number": id_number}, headers=AUTH)
    assert again.status_code == 201, again.text


def test_the_check_does_not_tell_whether_an_id_number_has_a_claim(
    nginx: Callable[..., Browser], rasa: FakeRasa
) -> None:
    browser = nginx("203.0.113.40")
    _, with_claim = a_claim(browser)
    first17 = "11010519900307" + f"{random.randrange(1000):03d}"
    without = first17 + check_digit(first17)
    answers = [types_id_number(browser, rasa, n)[1] for n in (with_claim, without)]
    assert [a.status_code for a in answers] == [201, 201]
    same = [{k: v for k, v in a.json().items() if k not in ("challenge_id", "expires_at")} for a in answers]
    assert same[0] == same[1] and same[0]["phone_masked"] is None
    assert "如果该身份证号有申领记录" in same[0]["message"]


def test_finding_11_the_code_and_later_messages_answer_only_the_owning_browser(
    nginx: Callable[..., Browser], rasa: FakeRasa
) -> None:
    claimant = nginx("203.0.113.50")
    _, id_number = a_claim(claimant)
    sender, started = types_id_number(claimant, rasa, id_number)
    assert started.status_code == 201
    peek = {"sender": f"web:{sender}"}
    assert claimant.get("/v1/identity/dev/last-code", params=peek).status_code == 200
    # Another browser, or a script without the cookie, gets nothing by naming the sender.
    other = nginx("198.51.100.77")
    for intruder in (other, nginx(None, page=False)):
        assert intruder.get("/v1/identity/dev/last-code", params=peek).status_code == 403
        assert intruder.get("/v1/chat/messages", params={"sender": sender}).status_code == 403
        assert intruder.get("/v1/chat/history", params={"sender": sender}).status_code == 403
        taken = intruder.post("/v1/chat", json={"sender": sender, "message": "我要签到"})
        assert taken.status_code == 403 and taken.json()["error"]["code"] == "chat_session_mismatch"
    # Nor for a WeChat or SMS sender: the peek is for web conversations a browser owns.
    assert other.get("/v1/identity/dev/last-code", params={"sender": "wx:oSomeone123"}).status_code == 403


def test_finding_11_short_sender_ids_are_refused_and_new_ids_do_not_escape_the_limits(
    app_factory: Callable[..., FastAPI], rasa: FakeRasa
) -> None:
    app = app_factory(rasa_url=rasa.url, outbound_sweep_seconds=0, channel_rate_per_ip_per_minute=5)
    with TestClient(app) as client:
        short = client.post("/v1/chat", json={"sender": "x", "message": "你好"})
        assert short.status_code == 422 and "会话标识太短" in short.json()["error"]["message"]
        codes = [
            client.post("/v1/chat", json={"sender": f"web-{uuid.uuid4().hex}", "message": "你好"}).status_code
            for _ in range(7)
        ]
        polls = [
            client.get("/v1/chat/messages", params={"sender": f"web-{uuid.uuid4().hex}"}).status_code for _ in range(7)
        ]
    assert codes.count(200) == 4 and codes[-1] == 429  # the refused short one counted for the address too
    assert polls[:5] == [403] * 5 and polls[-1] == 429
