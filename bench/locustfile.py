"""Load shapes for `make bench` (bench/run_all.py runs locust headless with one of these classes).

Each simulated user is one client with no think time (a closed loop), so `-u 50` means
50 requests in flight at any moment. Chat users start a new conversation every
TURNS_PER_CONVERSATION turns, like bench/chat_turn.py, so trackers stay realistic.

    EligibilityUser   POST /v1/eligibility/evaluate (varied requests from bench/eligibility.py)
    GatewayTurnUser   POST /v1/chat, the typical turns of bench/chat_turn.py (actions, KB, services)
    GatewayGreetUser  POST /v1/chat "你好" (the gateway around a turn Rasa answers with an utter_)
    RasaGreetUser     POST Rasa /webhooks/gateway/webhook "你好" directly (RASA_TOKEN): the bare dialogue engine
    RasaTurnUser      the typical turns straight to Rasa (actions and API included, no gateway)
"""

from __future__ import annotations

import itertools
import os
import random
import sys
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, constant, task

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chat_turn import MESSAGES  # noqa: E402
from bench.eligibility import _coherent, make_case  # noqa: E402

TURNS_PER_CONVERSATION = 5
GREETING = "你好"
_rng = random.Random(20260320)
ELIGIBILITY_BODIES = [c for c in (make_case(_rng) for _ in range(3000)) if _coherent(c)]


class _Conversation:
    def __init__(self) -> None:
        self._turns = itertools.count()
        self._sender = ""

    def sender(self) -> str:
        if next(self._turns) % TURNS_PER_CONVERSATION == 0:
            self._sender = f"bench-{uuid.uuid4().hex[:12]}"
        return self._sender


def _check_reply(response: Any, *, key: str | None) -> None:
    if response.status_code != 200:
        response.failure(f"http {response.status_code}")
        return
    body = response.json()
    messages = body.get(key) if key else body
    if not messages:
        response.failure("empty reply")


class EligibilityUser(HttpUser):
    wait_time = constant(0)

    @task
    def evaluate(self) -> None:
        self.client.post(
            "/v1/eligibility/evaluate",
            json=random.choice(ELIGIBILITY_BODIES),
            headers={"Authorization": "Bearer dev-token"},
            name="POST /v1/eligibility/evaluate",
        )


class GatewayTurnUser(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.conversation = _Conversation()
        self.messages = itertools.cycle(MESSAGES)

    @task
    def turn(self) -> None:
        body = {"sender": self.conversation.sender(), "message": next(self.messages)}
        with self.client.post("/v1/chat", json=body, name="gateway turn", catch_response=True) as r:
            _check_reply(r, key="messages")


class GatewayGreetUser(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.conversation = _Conversation()

    @task
    def turn(self) -> None:
        body = {"sender": self.conversation.sender(), "message": GREETING}
        with self.client.post("/v1/chat", json=body, name="gateway greeting", catch_response=True) as r:
            _check_reply(r, key="messages")


class RasaGreetUser(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.conversation = _Conversation()

    @task
    def turn(self) -> None:
        body = {"sender": f"web:{self.conversation.sender()}", "message": GREETING}
        headers = {"Authorization": f"Bearer {os.environ.get('RASA_TOKEN', '')}"}
        with self.client.post(
            "/webhooks/gateway/webhook", json=body, headers=headers, name="bare rasa greeting", catch_response=True
        ) as r:
            _check_reply(r, key=None)


class RasaTurnUser(HttpUser):
    """The typical messages straight to Rasa (its actions and the API included, the gateway left out):
    with GatewayTurnUser it tells the gateway's share of a typical turn from the dialogue's own."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.conversation = _Conversation()
        self.messages = itertools.cycle(MESSAGES)

    @task
    def turn(self) -> None:
        body = {"sender": f"web:{self.conversation.sender()}", "message": next(self.messages)}
        headers = {"Authorization": f"Bearer {os.environ.get('RASA_TOKEN', '')}"}
        with self.client.post(
            "/webhooks/gateway/webhook", json=body, headers=headers, name="bare rasa turn", catch_response=True
        ) as r:
            _check_reply(r, key=None)
