"""POST /v1/chat: the web page's path through the same gateway as WeChat and SMS."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.channels.web.owners import COOKIE
from api.channels.web.schemas import SENDER_CHARACTERS, SENDER_TOO_SHORT
from api.chat.service import EMPTY_REPLY, TOO_LONG_REPLY, UNAVAILABLE_REPLY
from devtools.fake_rasa import FakeRasa


@pytest.fixture
def chat(app_factory: Callable[..., FastAPI], rasa: FakeRasa) -> Callable[..., Any]:
    def build(**overrides: Any) -> TestClient:
        return TestClient(app_factory(rasa_url=rasa.url, outbound_sweep_seconds=0, **overrides))

    return build


def test_chat_goes_through_the_dialogue_engine(chat: Callable[..., TestClient], rasa: FakeRasa) -> None:
    with chat() as client:
        response = client.post("/v1/chat", json={"sender": "web-123-0123456789ab", "message": "重庆失业金审核要几天？"})
    assert response.status_code == 200
    assert response.json() == {"messages": [{"text": "已收到：重庆失业金审核要几天?", "quick_replies": []}]}
    assert rasa.calls == [("web:web-123-0123456789ab", "重庆失业金审核要几天?", {"channel": "web"})]


def test_rasa_buttons_reach_the_page_as_quick_replies(app_factory: Callable[..., FastAPI]) -> None:
    buttons = [{"title": "是", "payload": "/affirm"}, {"title": " 不用 ", "payload": "/deny"}, {"payload": "/x"}]
    with FakeRasa(buttons=buttons) as rasa, TestClient(app_factory(rasa_url=rasa.url, outbound_sweep_seconds=0)) as c:
        response = c.post("/v1/chat", json={"sender": "web-btn-0123456789ab", "message": "要补发"})
    assert response.status_code == 200
    assert response.json()["messages"] == [{"text": "已收到：要补发", "quick_replies": ["是", "不用"]}]


def test_empty_and_too_long_messages_get_a_reply_without_the_engine(
    chat: Callable[..., TestClient], rasa: FakeRasa
) -> None:
    with chat() as client:
        empty = client.post("/v1/chat", json={"sender": "web-1-0123456789ab", "message": "  \u200b "})
        long = client.post("/v1/chat", json={"sender": "web-1-0123456789ab", "message": "问" * 1001})
        too_long = client.post("/v1/chat", json={"sender": "web-1-0123456789ab", "message": "问" * 4001})
    assert empty.json()["messages"][0]["text"] == EMPTY_REPLY
    assert long.json()["messages"][0]["text"] == TOO_LONG_REPLY
    assert too_long.status_code == 422
    assert too_long.json()["error"]["fields"] == {"message": "内容过长"}
    assert rasa.calls == []


def test_bad_bodies_are_clear_4xx(chat: Callable[..., TestClient], rasa: FakeRasa) -> None:
    with chat() as client:
        not_json = client.post("/v1/chat", content=b"{oops", headers={"content-type": "application/json"})
        missing = client.post("/v1/chat", json={"message": "你好"})
        huge = client.post("/v1/chat", content=b'{"sender": "web-1-0123456789ab", "message": "' + b"a" * 20_000 + b'"}')
    assert not_json.status_code == 422
    assert missing.status_code == 422
    assert missing.json()["error"]["fields"] == {"sender": "必填"}
    assert huge.status_code == 413
    assert huge.json()["error"]["message"].startswith("内容过大")
    assert rasa.calls == []


def test_rate_limit_is_a_chinese_429(chat: Callable[..., TestClient], rasa: FakeRasa) -> None:
    with chat(channel_rate_per_minute=2) as client:
        codes = [
            client.post("/v1/chat", json={"sender": "web-rl-0123456789ab", "message": "你好"}).status_code
            for _ in range(3)
        ]
        refused = client.post("/v1/chat", json={"sender": "web-rl-0123456789ab", "message": "你好"})
        other = client.post("/v1/chat", json={"sender": "web-other-0123456789ab", "message": "你好"})
    assert codes == [200, 200, 429]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "太频繁" in refused.json()["error"]["message"]
    assert other.status_code == 200
    assert len(rasa.calls) == 3


def test_engine_down_still_answers(app_factory: Callable[..., FastAPI]) -> None:
    with TestClient(app_factory(outbound_sweep_seconds=0)) as client:  # nothing listens on the Rasa port
        response = client.post("/v1/chat", json={"sender": "web-1-0123456789ab", "message": "你好"})
    assert response.status_code == 200
    assert response.json()["messages"][0]["text"] == UNAVAILABLE_REPLY


def test_an_empty_answer_restarts_the_conversation_instead_of_leaving_it_stuck(
    app_factory: Callable[..., FastAPI],
) -> None:
    from api.chat.service import SILENT_REPLY

    with FakeRasa(reply=None) as silent, TestClient(app_factory(rasa_url=silent.url, outbound_sweep_seconds=0)) as c:
        r = c.post("/v1/chat", json={"sender": "web-stuck-0123456789ab", "message": "我要办理按月申领"})
    assert r.json() == {"messages": [{"text": SILENT_REPLY, "quick_replies": []}]}
    assert silent.tracker_events == [
        (
            # Not "web%3A…": Rasa does not decode the path, so that would restart another conversation.
            "/conversations/web:web-stuck-0123456789ab/tracker/events?include_events=NONE&token=dev-rasa-token",
            {"event": "restart"},
        )
    ]


def test_short_sender_ids_are_refused_in_chinese(chat: Callable[..., TestClient], rasa: FakeRasa) -> None:
    with chat() as client:
        short = client.post("/v1/chat", json={"sender": "w", "message": "你好"})
    assert short.status_code == 422
    assert short.json()["error"]["fields"] == {"sender": SENDER_TOO_SHORT}
    assert rasa.calls == []


@pytest.mark.parametrize(
    "sender", ["web-0123456789ab/../x", "web-0123456789ab?x=1", "web 0123456789abcdef", "会话0123456789abcdef"]
)
def test_sender_ids_that_would_change_rasas_url_are_refused(
    chat: Callable[..., TestClient], rasa: FakeRasa, sender: str
) -> None:
    with chat() as client:
        refused = client.post("/v1/chat", json={"sender": sender, "message": "你好"})
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {"sender": SENDER_CHARACTERS}
    assert rasa.calls == []


def test_changing_the_sender_id_does_not_escape_the_address_limit(
    chat: Callable[..., TestClient], rasa: FakeRasa
) -> None:
    with chat(channel_rate_per_ip_per_minute=3) as client:
        codes = [
            client.post("/v1/chat", json={"sender": f"web-{i:02d}-0123456789ab", "message": "你好"}).status_code
            for i in range(5)
        ]
    assert codes == [200, 200, 200, 429, 429]
    assert len(rasa.calls) == 3


def test_x_forwarded_for_counts_only_from_a_trusted_proxy(chat: Callable[..., TestClient], rasa: FakeRasa) -> None:
    def burst(client: TestClient, address: str) -> list[int]:
        headers = {"x-forwarded-for": address}
        body = {"sender": f"web-{address}-0123456789ab", "message": "你好"}
        return [client.post("/v1/chat", json=body, headers=headers).status_code for _ in range(2)]

    # Not behind a trusted proxy: the header is the client's own claim and is ignored.
    with chat(channel_rate_per_ip_per_minute=2) as client:
        assert burst(client, "198.51.100.1") + burst(client, "198.51.100.2") == [200, 200, 429, 429]
    # Behind nginx (a trusted proxy): the address nginx appended is the client, each counted apart.
    app = TestClient(chat(channel_rate_per_ip_per_minute=2, trusted_proxies=["10.0.0.0/8"]).app, client=("10.0.0.2", 1))
    with app as client:
        assert burst(client, "198.51.100.3") + burst(client, "198.51.100.4") == [200, 200, 200, 200]
        # A client that sends its own header: nginx appends the real address, which is what counts.
        assert burst(client, "203.0.113.7, 198.51.100.3") == [429, 429]


def test_a_conversation_belongs_to_the_browser_that_started_it(chat: Callable[..., TestClient], rasa: FakeRasa) -> None:
    sender = "web-owned-0123456789abcdef"
    with chat() as browser, chat() as other:
        page = browser.get("/chat")
        assert page.status_code == 200 and COOKIE in page.cookies
        assert browser.post("/v1/chat", json={"sender": sender, "message": "你好"}).status_code == 200
        other.get("/chat")
        stolen = other.post("/v1/chat", json={"sender": sender, "message": "我要签到"})
        no_cookie = TestClient(browser.app).post("/v1/chat", json={"sender": sender, "message": "我要签到"})
        assert browser.get("/v1/chat/messages", params={"sender": sender}).status_code == 200
        read = other.get("/v1/chat/messages", params={"sender": sender})
    assert stolen.status_code == no_cookie.status_code == read.status_code == 403
    assert stolen.json()["error"]["code"] == "chat_session_mismatch" and "浏览器" in stolen.json()["error"]["message"]
    assert [text for s, text, _ in rasa.calls if s == f"web:{sender}"] == ["你好"]


def test_an_id_number_reaches_the_engine_as_a_handle(chat: Callable[..., TestClient], rasa: FakeRasa) -> None:
    number = "120101198001011234"
    with chat() as client:
        client.post("/v1/chat", json={"sender": "web-id-0123456789ab", "message": f"我的身份证是{number}"})
        client.post("/v1/chat", json={"sender": "web-id-0123456789ab", "message": "10月和11月的钱能补发吗"})
    (first, second) = [text for _, text, _ in rasa.calls]
    assert number not in first and re.fullmatch(r"我的身份证是idref_[a-z]{12}", first)
    assert second == "10月和11月的钱能补发吗"
