"""The action server repeats the gateway's request id (message metadata) as X-Request-ID."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from actions import api_client as client
from actions.server import request_id_of
from tests.actions.conftest import run


def _action_call(metadata: Any) -> SimpleNamespace:
    return SimpleNamespace(json={"next_action": "x", "tracker": {"latest_message": {"metadata": metadata}}})


def test_the_id_is_read_from_the_latest_message() -> None:
    assert request_id_of(_action_call({"channel": "web", "request_id": "abc123"})) == "abc123"  # type: ignore[arg-type]
    assert request_id_of(_action_call({"channel": "web"})) is None  # type: ignore[arg-type]
    assert request_id_of(_action_call(None)) is None  # type: ignore[arg-type]
    assert request_id_of(_action_call({"request_id": "x" * 65})) is None  # type: ignore[arg-type]
    assert request_id_of(SimpleNamespace(json=None)) is None  # type: ignore[arg-type]


def test_api_calls_carry_the_turns_id(api: Any) -> None:
    api.on("GET", "/v1/regions", 200, {"items": []})
    token = client.current_request_id.set("turn-7")
    try:
        run(client.call("GET", "/v1/regions"))
    finally:
        client.current_request_id.reset(token)
    run(client.call("GET", "/v1/regions"))
    first, second = api.requests
    assert first.headers.get("x-request-id") == "turn-7"
    assert "x-request-id" not in second.headers
