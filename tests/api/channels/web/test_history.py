"""GET /v1/chat/history: the web page's conversation after a reload, masked, for its own browser only."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from api.channels.outbound import queue_message
from api.channels.web import history
from api.channels.web.models import WebChatTurn
from api.db import make_sessionmaker, utcnow
from api.identity.enums import ChallengeStatus
from api.identity.models import IdentityChallenge
from devtools.fake_rasa import FakeRasa

ID_NUMBER = "120101198001011234"  # valid check digit
MOBILE = "13912345678"


@pytest.fixture
def chat(app_factory: Callable[..., FastAPI], rasa: FakeRasa) -> Callable[..., Any]:
    def build(**overrides: Any) -> TestClient:
        client = TestClient(app_factory(rasa_url=rasa.url, outbound_sweep_seconds=0, **overrides))
        return client

    return build


def a_sender() -> str:
    return f"web-hist-{random.randrange(16**24):024x}"


def _say(client: TestClient, sender: str, text: str) -> None:
    assert client.post("/v1/chat", json={"sender": sender, "message": text}).status_code == 200


def test_history_returns_both_sides_in_order_with_numbers_masked(chat: Callable[..., TestClient]) -> None:
    sender = a_sender()
    with chat() as browser:
        browser.get("/chat")  # the page's cookie
        _say(browser, sender, "你好")
        _say(browser, sender, f"我的身份证是{ID_NUMBER}，手机 {MOBILE}")
        _say(browser, sender, "电话 139-1234-5678 和 8613912345678")
        response = browser.get("/v1/chat/history", params={"sender": sender})
    assert response.status_code == 200
    body = response.json()
    assert body["retention_days"] == history.RETENTION.days and body["outbox_after"] == 0
    shown = [(m["author"], m["text"]) for m in body["messages"]]
    assert shown[0] == ("claimant", "你好")
    assert shown[1] == ("assistant", "已收到：你好")
    assert shown[2] == ("claimant", "我的身份证是1201**********1234，手机 139****5678")
    assert shown[4] == ("claimant", "电话 139****5678 和 86139****5678")
    assert [a for a, _ in shown] == ["claimant", "assistant"] * 3
    # The fake engine echoes what it saw (a handle, the mobile in clear): the history masks the echo too.
    assert MOBILE not in shown[3][1] and "139****5678" in shown[3][1]
    everything = str(body)
    assert ID_NUMBER not in everything and MOBILE not in everything and "1234-5678" not in everything


def test_a_code_typed_while_a_code_is_pending_is_kept_masked(chat: Callable[..., TestClient], engine: Engine) -> None:
    sender = a_sender()
    now = utcnow()
    with make_sessionmaker(engine)() as session, session.begin():
        session.add(
            IdentityChallenge(
                id=f"ch_{random.randrange(10**12)}",
                sender=f"web:{sender}",
                claim_id=1,
                phone_masked="138****0000",
                code_hash="0" * 64,
                status=ChallengeStatus.pending,
                created_at=now,
                expires_at=now + timedelta(minutes=5),
            )
        )
    with chat() as browser:
        browser.get("/chat")
        _say(browser, sender, "验证码 482913")
        texts = [m["text"] for m in browser.get("/v1/chat/history", params={"sender": sender}).json()["messages"]]
    assert texts[0] == "验证码 ******" and "482913" not in str(texts)


def test_six_digits_without_a_pending_code_are_kept(chat: Callable[..., TestClient]) -> None:
    sender = a_sender()
    with chat() as browser:
        browser.get("/chat")
        _say(browser, sender, "我的单位代码是100086")
        first = browser.get("/v1/chat/history", params={"sender": sender}).json()["messages"][0]
    assert first["text"] == "我的单位代码是100086"


def test_only_the_browser_that_owns_the_conversation_reads_it(chat: Callable[..., TestClient]) -> None:
    sender = a_sender()
    with chat() as browser, chat() as other:
        browser.get("/chat")
        _say(browser, sender, "你好")
        other.get("/chat")
        # Knowing the sender id is not enough: another cookie, or none, is refused.
        stolen = other.get("/v1/chat/history", params={"sender": sender})
        no_cookie = TestClient(browser.app).get("/v1/chat/history", params={"sender": sender})
        unknown = browser.get("/v1/chat/history", params={"sender": a_sender()})
        short = browser.get("/v1/chat/history", params={"sender": "web-1"})
    assert stolen.status_code == no_cookie.status_code == unknown.status_code == 403
    assert stolen.json()["error"]["code"] == "chat_session_mismatch"
    assert short.status_code == 422 and "会话标识太短" in short.json()["error"]["message"]


def test_staff_answers_are_merged_and_polling_continues_after_them(
    chat: Callable[..., TestClient], engine: Engine
) -> None:
    sender = a_sender()
    with chat() as browser:
        browser.get("/chat")
        _say(browser, sender, "转人工")
        with make_sessionmaker(engine)() as session, session.begin():
            queued = queue_message(session, sender=f"web:{sender}", text="您好，已为您核实。", author="staff")
            queued_id = queued.id
        body = browser.get("/v1/chat/history", params={"sender": sender}).json()
    assert [(m["author"], m["text"]) for m in body["messages"]][-1] == ("staff", "您好，已为您核实。")
    assert body["outbox_after"] == queued_id


def test_retention_hides_and_purges_old_bubbles(chat: Callable[..., TestClient], engine: Engine) -> None:
    sender = a_sender()
    with chat() as browser:
        browser.get("/chat")
        _say(browser, sender, "今天的问题")
        factory = make_sessionmaker(engine)
        with factory() as session, session.begin():
            old = utcnow() - history.RETENTION - timedelta(minutes=1)
            session.add(WebChatTurn(sender=f"web:{sender}", author="claimant", text="上个月的问题", created_at=old))
        texts = [m["text"] for m in browser.get("/v1/chat/history", params={"sender": sender}).json()["messages"]]
    assert "上个月的问题" not in texts and "今天的问题" in texts
    with factory() as session, session.begin():
        assert history.purge(session, now=utcnow()) >= 1
    with factory() as session:
        left = session.scalars(select(WebChatTurn.text).where(WebChatTurn.sender == f"web:{sender}")).all()
    assert "上个月的问题" not in left and "今天的问题" in left


def test_at_most_the_latest_bubbles_are_returned(chat: Callable[..., TestClient], engine: Engine) -> None:
    sender = a_sender()
    with chat() as browser:
        browser.get("/chat")
        with make_sessionmaker(engine)() as session, session.begin():
            now = utcnow()
            for i in range(history.MAX_SHOWN + 5):
                session.add(WebChatTurn(sender=f"web:{sender}", author="claimant", text=f"第{i}条", created_at=now))
        _say(browser, sender, "最后一条")
        texts = [m["text"] for m in browser.get("/v1/chat/history", params={"sender": sender}).json()["messages"]]
    assert len(texts) == history.MAX_SHOWN and texts[-2:] == ["最后一条", "已收到：最后一条"]
