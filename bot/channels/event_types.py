"""Rasa's event classes looked up by type name from a table, not by walking every subclass each time.

Rasa 3.6 turns each stored event back into an object with Event.resolve_by_type(type_name), which
calls rasa.shared.utils.common.all_subclasses(Event) — a recursive walk of the whole class tree,
checking each class with inspect.isabstract — and returns the first class with that type name.
It runs for every event of a tracker, every time one is read from the tracker store and for every
event the action server answers with: under bench/profile_stack.py `all_subclasses` was 5 % of
the Rasa process's samples in a typical turn. This builds the same first-match table once from
the same walk and looks names up in it.

The answer is the same class as Rasa's for every name: the table keeps, for each type name, the
first class of all_subclasses' order, as Rasa's loop returns. A name missing from the table (an
event class imported after it was built) rebuilds it once before giving Rasa's answer for an
unknown name ("topic" → None, else `default`, else ValueError).

Installed when Rasa imports the gateway channel (bot/channels/gateway.py), like action_results;
if a later Rasa changes resolve_by_type, install() leaves it alone and says so in the log
(tests/actions/test_event_types.py fails first).
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

logger = logging.getLogger(__name__)

_rasas_resolve_by_type = Event.resolve_by_type
_table: dict[str, type[Event]] = {}


def _build() -> None:
    table: dict[str, type[Event]] = {}
    for cls in all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    _table.clear()
    _table.update(table)


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Event.resolve_by_type of Rasa 3.6, from the table."""
    found = _table.get(type_name)
    if found is None:
        _build()
        found = _table.get(type_name)
    if found is not None:
        return found
    if type_name == "topic":
        return None  # Rasa's backwards compatibility with old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def _is_rasas(method: Any) -> bool:
    source = inspect.getsource(method)
    return "all_subclasses(Event)" in source and "cls.type_name == type_name" in source


def install() -> None:
    if Event.resolve_by_type is resolve_by_type:
        return
    if not _is_rasas(_rasas_resolve_by_type):
        logger.warning("Event.resolve_by_type has changed: events are resolved by Rasa's own (slower) code")
        return
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign,assignment]


__all__ = ["install", "resolve_by_type"]
