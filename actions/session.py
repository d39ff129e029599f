"""A new session (after an hour of silence) keeps where the claimant is, not who they proved to be.

Identity, the claim and any pending offer end with the session: the next claim flow
asks the identity API again. Only the region (and whether it was asked) carries over.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

CARRIED_OVER = ("region", "region_asked")


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = [SessionStarted()]
        metadata = tracker.get_slot("session_started_metadata")
        if metadata is not None:
            events.append(SlotSet("session_started_metadata", metadata))
        events += [SlotSet(name, tracker.get_slot(name)) for name in CARRIED_OVER if tracker.get_slot(name) is not None]
        events.append(ActionExecuted("action_listen"))
        return events
