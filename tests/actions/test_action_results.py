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
INVALID: list[Any] = [
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event needs its name
    {"events": [{"event": "no_such_event"}]},
    {"responses": ["text, not an object"]},
    {"events": [{"event": "slot", "name": "region", "value": "天津"}, {"event": ["slot"]}]},
    {"events": [{"event": "user", "text": 7}]},
    {"events": [{"event": "action", "name": "action_listen", "timestamp": "now"}]},
    {"events": [{"name": "region"}]},
    {"events": [None]},
    None,
    [],
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


def test_valid_answers_take_the_fast_check(action: RemoteAction, monkeypatch: pytest.MonkeyPatch) -> None:
    """What makes a valid answer cheap (so that the equivalence tests above cover both paths)."""
    action._validate_action_result({"events": []})  # compiled
    assert action_results._fast[RemoteAction] is not None

    class FullCheck:
        def iter_errors(self, result: Any) -> Any:
            pytest.fail("full check used")

    monkeypatch.setitem(action_results._validators, RemoteAction, FullCheck())
    for result in VALID:
        assert action._validate_action_result(copy.deepcopy(result)) is True


def test_the_fast_check_needs_rasas_schema_shape() -> None:
    schema = RemoteAction.action_response_format_spec()
    assert action_results._FastCheck.applies_to(schema)
    changed = copy.deepcopy(schema)
    changed["properties"]["events"]["items"]["oneOf"].append({"properties": {"event": {"const": "slot"}}})
    assert not action_results._FastCheck.applies_to(changed)  # a name twice: the count of matches matters
    changed = copy.deepcopy(schema)
    changed["required"] = ["events"]
    assert not action_results._FastCheck.applies_to(changed)


def test_the_schema_is_checked_once(action: RemoteAction, monkeypatch: pytest.MonkeyPatch) -> None:
    action_results._validators.clear()
    checks = []
    cls = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    original = cls.check_schema
    monkeypatch.setattr(cls, "check_schema", classmethod(lambda c, s: checks.append(1) or original(s)))
    for _ in range(5):
        action._validate_action_result({"events": [], "responses": []})
    assert len(checks) == 1
