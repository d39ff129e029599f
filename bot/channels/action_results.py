"""The action server's answers checked against a schema compiled once, not once per call.

Rasa 3.6 checks every answer of the action server (RemoteAction._validate_action_result) with
`jsonschema.validate(result, schema)`. That function first checks the *schema itself* against
JSON Schema's metaschema, every time, and the schema of Rasa's events is large: under
bench/profile_stack.py that self-check was about 40 % of the Rasa process's CPU in a typical
turn (a custom action, often a form's validation too, is two such calls), the answer's own check
under 2 %. The schema is a constant of the Rasa version, so this checks it once and keeps the
validator; answers are checked exactly as before (same validator class, same best-match error,
Rasa's own message appended), so an invalid answer still fails the action the same way.

A valid answer is recognised faster still (_FastCheck): the events schema is a `oneOf` of 23
event kinds told apart by a constant `event` name, and jsonschema checks every event against all
23 to count the ones it matches, which was 5 % of Rasa's samples once the schema's self-check was
gone. Since no event can match a kind of another name, an event is valid exactly when it passes
the common part and the one kind of its name; the fast check tests that. It only ever says
"valid": any answer it does not pass goes through the full check above, so an invalid one fails
with the same error as before. It is built only when the schema has that shape, else every answer
takes the full check.

Installed when Rasa imports the gateway channel (bot/channels/gateway.py), like logmask: every
way of starting Rasa serves through that channel. Rasa's version is pinned (bot/requirements.lock);
if a later one renames what is replaced here, install() leaves Rasa as it is and says so in the
log (tests/actions/test_action_results.py fails first).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

logger = logging.getLogger(__name__)

_validators: dict[type, Any] = {}  # RemoteAction subclass → its compiled validator
_fast: dict[type, _FastCheck | None] = {}  # RemoteAction subclass → its fast check, if its schema allows one


class _FastCheck:
    """True only for answers the full schema accepts: each event checked against its own kind only."""

    def __init__(self, schema: dict[str, Any], cls: Any) -> None:
        events = schema["properties"]["events"]
        items = events["items"]
        common = {key: value for key, value in items.items() if key != "oneOf"}
        self._skeleton = cls({**schema, "properties": {**schema["properties"], "events": {"type": "array"}}})
        self._kinds = {kind["properties"]["event"]["const"]: cls({"allOf": [common, kind]}) for kind in items["oneOf"]}

    @staticmethod
    def applies_to(schema: dict[str, Any]) -> bool:
        """The shape this check relies on: Rasa 3.6's schema (tests/actions/test_action_results.py)."""
        try:
            properties = schema["properties"]
            events = properties["events"]
            items = events["items"]
            kinds = items["oneOf"]
            names = [kind["properties"]["event"]["const"] for kind in kinds]
        except (KeyError, TypeError):
            return False
        return (
            set(schema) == {"type", "properties"}
            and set(properties) == {"events", "responses"}
            and set(events) == {"type", "items"}
            and events["type"] == "array"
            and set(items) == {"type", "properties", "required", "oneOf"}
            and "event" in items["required"]
            and all(set(kind) <= {"properties", "required"} for kind in kinds)
            and all(isinstance(name, str) for name in names)
            and len(set(names)) == len(names)
            and "$ref" not in json.dumps(schema)  # the kinds are checked apart from the whole
        )

    def passes(self, result: Any) -> bool:
        if not self._skeleton.is_valid(result):
            return False
        for event in result.get("events", ()):
            name = event.get("event") if isinstance(event, dict) else None
            kind = self._kinds.get(name) if isinstance(name, str) else None
            if kind is None or not kind.is_valid(event):
                return False
        return True


def _validator(action_class: type[RemoteAction]) -> Any:
    if action_class not in _validators:
        schema = action_class.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)  # what jsonschema.validate does on every call
        _validators[action_class] = cls(schema)
        _fast[action_class] = _FastCheck(schema, cls) if _FastCheck.applies_to(schema) else None
    return _validators[action_class]


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result, on the kept validator."""
    validator = _validator(type(self))
    fast = _fast[type(self)]
    if fast is not None and fast.passes(result):
        return True
    error = best_match(validator.iter_errors(result))
    if error is None:
        return True
    # Rasa's own wording (rasa/core/actions/action.py), so logs and tests read the same.
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    if getattr(RemoteAction, "_validate_action_result", None) is validate_action_result:
        return
    if not (hasattr(RemoteAction, "_validate_action_result") and hasattr(RemoteAction, "action_response_format_spec")):
        logger.warning("RemoteAction has changed: action server answers are checked by Rasa's own (slower) code")
        return
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


__all__ = ["ValidationError", "install", "validate_action_result"]
