"""POST /v1/chat: the web page's path through the same gateway as WeChat and SMS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.chat.service import EMPTY_REPLY, TOO_LONG_REPLY, UNAVAILABLE_REPLY
from bench.fake_rasa import FakeRasa


@pytest.fixture
def rasa() -> Iterator[FakeRasa]:
    with FakeRasa() as fake:
        yield fake


@pytest.fixture
def chat(app_factory: Callable[..., FastAPI], rasa: FakeRasa) -> Callable[..., Any]:
    def build(**overrides: Any) -> TestClient:
        return TestClient(app_factory(rasa_url=rasa.url, outbound_sweep_seconds=0, **overrides))

    return build


def test_chat_goes_through_the_dialogue_engine(chat: Callable[..., TestClient], rasa: FakeRasa) -> None:
    with chat() as client:
        response = client.post("/v1/chat", json={"sender": "web-123", "message": "重庆失业金审核要几天？"})
    assert response.status_code == 200
    assert response.json() == {"messages": [{"text": "已收到：重庆失业金审核要几天?"}]}
    assert rasa.calls == [("web:web-123", "重庆失业金审核要几天?", {"channel": "web"})]


def test_empty_and_too_long_messages_get_a_reply_without_the_engine(
    chat: Callable[..., TestClient], rasa: FakeRasa
) -> None:
    with chat() as client:
        empty = client.post("/v1/chat", json={"sender": "web-1", "message": "  \u200b "})
        long = client.post("/v1/chat", json={"sender": "web-1", "message": "问" * 1001})
        too_long = client.post("/v1/chat", json={"sender": "web-1", "message": "问" * 4001})
    assert empty.json()["messages"][0]["text"] == EMPTY_REPLY
    assert long.json()["messages"][0]["text"] == TOO_LONG_REPLY
    assert too_long.status_code == 422
    assert too_long.json()["error"]["fields"] == {"message": "内容过长"}
    assert rasa.calls == []


def test_bad_bodies_are_clear_4xx(chat: Callable[..., TestClient], rasa: FakeRasa) -> None:
    with chat() as client:
        not_json = client.post("/v1/chat", content=b"{oops", headers={"content-type": "application/json"})
        missing = client.post("/v1/chat", json={"message": "你好"})
        huge = client.post("/v1/chat", content=b'{"sender": "web-1", "message": "' + b"a" * 20_000 + b'"}')
    assert not_json.status_code == 422
    assert missing.status_code == 422
    assert missing.json()["error"]["fields"] == {"sender": "必填"}
    assert huge.status_code == 413
    assert huge.json()["error"]["message"].startswith("内容过大")
    assert rasa.calls == []


def test_rate_limit_is_a_chinese_429(chat: Callable[..., TestClient], rasa: FakeRasa) -> None:
    with chat(channel_rate_per_minute=2) as client:
        codes = [client.post("/v1/chat", json={"sender": "web-rl", "message": "你好"}).status_code for _ in range(3)]
        refused = client.post("/v1/chat", json={"sender": "web-rl", "message": "你好"})
        other = client.post("/v1/chat", json={"sender": "web-other", "message": "你好"})
    assert codes == [200, 200, 429]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "太频繁" in refused.json()["error"]["message"]
    assert other.status_code == 200
    assert len(rasa.calls) == 3


def test_engine_down_still_answers(app_factory: Callable[..., FastAPI]) -> None:
    with TestClient(app_factory(outbound_sweep_seconds=0)) as client:  # nothing listens on the Rasa port
        response = client.post("/v1/chat", json={"sender": "web-1", "message": "你好"})
    assert response.status_code == 200
    assert response.json()["messages"][0]["text"] == UNAVAILABLE_REPLY


def test_an_empty_answer_restarts_the_conversation_instead_of_leaving_it_stuck(
    app_factory: Callable[..., FastAPI],
) -> None:
    from api.chat.service import SILENT_REPLY

    with FakeRasa(reply=None) as silent, TestClient(app_factory(rasa_url=silent.url, outbound_sweep_seconds=0)) as c:
        r = c.post("/v1/chat", json={"sender": "web-stuck", "message": "我要办理按月申领"})
    assert r.json() == {"messages": [{"text": SILENT_REPLY}]}
    assert silent.tracker_events == [
        ("/conversations/web%3Aweb-stuck/tracker/events?include_events=NONE&token=dev-rasa-token", {"event": "restart"})
    ]
