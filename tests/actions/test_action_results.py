"""bot/channels/action_results.py: Rasa's check of the action server's answers, on a schema
compiled once, accepts and refuses exactly what Rasa's own check does, with the same error."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from channels import action_results
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig


def rasas_check(result: dict[str, Any]) -> bool:
    """What Rasa 3.6's RemoteAction._validate_action_result does (less the message it appends)."""
    jsonschema.validate(result, RemoteAction.action_response_format_spec())
    return True


VALID: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "region", "value": "天津"}], "responses": [{"text": "您好"}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "action_listen"}]},
    {"responses": [{"response": "utter_greet", "buttons": [{"title": "是", "payload": "/affirm"}]}]},
]
INVALID: list[dict[str, Any]] = [
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event needs its name
    {"events": [{"event": "no_such_event"}]},
    {"responses": ["text, not an object"]},
]


@pytest.fixture
def action() -> RemoteAction:
    action_results.install()
    return RemoteAction("action_answer_question", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_installed_by_the_gateway_channel() -> None:
    import channels.gateway  # noqa: F401 - importing it is what Rasa does at start-up

    assert RemoteAction._validate_action_result is action_results.validate_action_result


@pytest.mark.parametrize("result", VALID)
def test_accepts_what_rasa_accepts(action: RemoteAction, result: dict[str, Any]) -> None:
    assert rasas_check(copy.deepcopy(result)) is True
    assert action._validate_action_result(copy.deepcopy(result)) is True


@pytest.mark.parametrize("result", INVALID)
def test_refuses_what_rasa_refuses_with_the_same_message(action: RemoteAction, result: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError) as theirs:
        rasas_check(copy.deepcopy(result))
    with pytest.raises(jsonschema.ValidationError) as ours:
        action._validate_action_result(copy.deepcopy(result))
    assert ours.value.message.startswith(theirs.value.message + ". Failed to validate Action server response")
    assert list(ours.value.path) == list(theirs.value.path)


def test_the_schema_is_checked_once(action: RemoteAction, monkeypatch: pytest.MonkeyPatch) -> None:
    action_results._validators.clear()
    checks = []
    cls = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    original = cls.check_schema
    monkeypatch.setattr(cls, "check_schema", classmethod(lambda c, s: checks.append(1) or original(s)))
    for _ in range(5):
        action._validate_action_result({"events": [], "responses": []})
    assert len(checks) == 1
