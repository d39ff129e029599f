"""The dialogue engine's dependencies fail under a running product (API + actions + Rasa on Redis).

- Redis (Rasa's tracker and lock stores, the API's REDIS_URL) stops mid-conversation:
  Rasa alone would carry on with a fresh in-memory tracker; the gateway refuses
  the turn with a clear Chinese message instead, the conversation resumes from
  Redis when it returns, and tickets (in the database) are neither lost nor doubled.
- The action server stops: a turn that needed it says the system cannot answer
  now and offers 12333, never silence.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from api.chat.service import UNAVAILABLE_REPLY
from devtools.stack import Stack
from tests.faults.services import PrivateRedis

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

AUTH = {"Authorization": "Bearer dev-token"}


def _sender() -> str:
    return f"fault-{uuid.uuid4().hex[:10]}"


QUESTION = "失业金审核要几个工作日"  # ask_policy: the 诉求 the ticket is filed with


def _tracker(stack: Stack, sender: str) -> dict[str, Any]:
    tracker: dict[str, Any] = stack.tracker(f"web:{sender}")
    return tracker


def _hand_off(stack: Stack, sender: str) -> list[str]:
    """A question, then 人工: a ticket at once (a bare 人工 would first be asked what it is for)."""
    stack.chat(sender, QUESTION)
    replies: list[str] = stack.chat(sender, "我要转人工")
    return replies


def _tickets_of(stack: Stack, sender: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{stack.api}/v1/tickets", params={"limit": 200}, headers=AUTH, timeout=30)
    r.raise_for_status()
    return [t for t in r.json()["items"] if t.get("sender") == f"web:{sender}"]


def _refused_turn(stack: Stack, sender: str, text: str) -> str:
    """What the claimant reads when the turn is refused: the gateway's reply (200) or the 503 message."""
    r = httpx.post(f"{stack.api}/v1/chat", json={"sender": sender, "message": text}, timeout=30)
    if r.status_code == 503:
        message: str = r.json()["error"]["message"]
        return message
    assert r.status_code == 200, r.text
    texts = [m["text"] for m in r.json()["messages"]]
    assert texts == [UNAVAILABLE_REPLY], texts
    return texts[0]


def _wait_for_normal_answers(stack: Stack, timeout: float = 60) -> None:
    """Until a fresh conversation gets a real greeting (Rasa's and the API's Redis pools reconnected)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = httpx.post(f"{stack.api}/v1/chat", json={"sender": _sender(), "message": "你好"}, timeout=30)
        if r.status_code == 200 and any("失业" in m["text"] for m in r.json()["messages"]):
            return
        time.sleep(0.5)
    raise AssertionError("the conversation did not recover after Redis came back")


def _wait_for_actions(stack: Stack, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{stack.action_port}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("the action server did not come back")


def test_redis_outage_fails_closed_and_the_conversation_resumes(
    redis_stack: Stack, private_redis: PrivateRedis
) -> None:
    stack = redis_stack
    claimant, other = _sender(), _sender()
    assert stack.chat(claimant, "我在重庆")
    region_before = _tracker(stack, claimant)["slots"].get("region")
    assert region_before, "the region slot was not set: the test conversation is not stateful"
    _hand_off(stack, other)
    tickets_before = _tickets_of(stack, other)
    assert len(tickets_before) == 1

    private_redis.stop(keep_data=True)  # like a persistent Redis that restarts
    try:
        for text in ("我要转人工", "失业金审核要几个工作日"):
            refusal = _refused_turn(stack, claimant, text)
            assert "暂时" in refusal and "12333" in refusal, refusal
        ready = httpx.get(f"{stack.api}/readyz", timeout=30)
        assert ready.status_code == 503 and "redis" in ready.json()["failed"]
        assert _tickets_of(stack, claimant) == []  # the refused hand-off wrote nothing
    finally:
        private_redis.start()

    _wait_for_normal_answers(stack)
    # The conversation continues from Redis, not from a fresh in-memory tracker.
    assert _tracker(stack, claimant)["slots"].get("region") == region_before
    replies = _hand_off(stack, claimant)
    assert any("工单号" in r for r in replies), replies
    assert len(_tickets_of(stack, claimant)) == 1
    assert [t["number"] for t in _tickets_of(stack, other)] == [t["number"] for t in tickets_before]
    rasa_log = (stack.workdir / "rasa.log").read_text(errors="replace")
    assert "Falling back to use the 'InMemoryTrackerStore'" not in rasa_log


def test_action_server_down_offers_12333_never_silence(redis_stack: Stack) -> None:
    stack = redis_stack
    sender = _sender()
    stack.stop("actions")
    try:
        for text in ("失业金审核要几个工作日", "我要转人工", "重庆资格核验漏了两个月", "我要办理按月申领"):
            replies = stack.chat(sender, text)
            assert replies and all(r.strip() for r in replies), (text, replies)
            assert any("12333" in r for r in replies), (text, replies)
        assert _tickets_of(stack, sender) == []
    finally:
        stack.start_actions()
        _wait_for_actions(stack)
    replies = _hand_off(stack, sender)
    assert any("工单号" in r for r in replies), replies
