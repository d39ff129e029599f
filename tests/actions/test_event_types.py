"""bot/channels/event_types.py: Rasa's event classes by type name from a table give the same class
as Rasa's own lookup, for every name, an unknown one and a class defined later."""

from __future__ import annotations

from typing import Any

import pytest
from channels import event_types
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

rasas = event_types._rasas_resolve_by_type


def test_installed_by_the_gateway_channel() -> None:
    import channels.gateway  # noqa: F401 - importing it is what Rasa does at start-up

    assert Event.resolve_by_type is event_types.resolve_by_type


@pytest.mark.parametrize("name", sorted({cls.type_name for cls in all_subclasses(Event)}))
def test_every_type_name_resolves_to_rasas_class(name: str) -> None:
    assert event_types.resolve_by_type(name) is rasas(name)


def test_unknown_names_as_rasa() -> None:
    assert event_types.resolve_by_type("topic") is rasas("topic") is None
    assert event_types.resolve_by_type("no_such", ActionExecuted) is rasas("no_such", ActionExecuted)
    for resolve in (rasas, event_types.resolve_by_type):
        with pytest.raises(ValueError, match="Unknown event name 'no_such'"):
            resolve("no_such")


def test_stored_events_come_back_as_the_same_objects() -> None:
    event_types.install()
    events: list[dict[str, Any]] = [
        SlotSet("region", "天津").as_dict(),
        UserUttered("你好", {"name": "greet", "confidence": 0.9}).as_dict(),
        ActionExecuted("action_listen").as_dict(),
    ]
    restored = [Event.from_parameters(e) for e in events]
    assert [type(e) for e in restored] == [SlotSet, UserUttered, ActionExecuted]
    assert [e.as_dict() for e in restored] == events


def test_a_class_defined_after_the_table_is_found() -> None:
    event_types.resolve_by_type("slot")  # the table is built

    class LateEvent(SlotSet):
        type_name = "late_event_for_test"

    assert event_types.resolve_by_type("late_event_for_test") is LateEvent is rasas("late_event_for_test")
