"""The action server's answers checked against a schema compiled once, not once per call.

Rasa 3.6 checks every answer of the action server (RemoteAction._validate_action_result) with
`jsonschema.validate(result, schema)`. That function first checks the *schema itself* against
JSON Schema's metaschema, every time, and the schema of Rasa's events is large: under
bench/profile_stack.py that self-check was about 40 % of the Rasa process's CPU in a typical
turn (a custom action, often a form's validation too, is two such calls), the answer's own check
under 2 %. The schema is a constant of the Rasa version, so this checks it once and keeps the
validator; answers are checked exactly as before (same validator class, same best-match error,
Rasa's own message appended), so an invalid answer still fails the action the same way.

Installed when Rasa imports the gateway channel (bot/channels/gateway.py), like logmask: every
way of starting Rasa serves through that channel. Rasa's version is pinned (bot/requirements.lock);
if a later one renames what is replaced here, install() leaves Rasa as it is and says so in the
log (tests/actions/test_action_results.py fails first).
"""

from __future__ import annotations

import logging
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

logger = logging.getLogger(__name__)

_validators: dict[type, Any] = {}  # RemoteAction subclass → its compiled validator


def _validator(action_class: type[RemoteAction]) -> Any:
    if action_class not in _validators:
        schema = action_class.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)  # what jsonschema.validate does on every call
        _validators[action_class] = cls(schema)
    return _validators[action_class]


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result, on the kept validator."""
    error = best_match(_validator(type(self)).iter_errors(result))
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
