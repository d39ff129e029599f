"""When the assistant did not understand: odd input gets a helpful reply, twice in a row a person.

Order: emoji or symbols only → a nudge; English → a bilingual note; a message the
answers API answers (it did not abstain) → that answer; otherwise "please rephrase",
and the second such turn in a row creates a ticket (the gateway then pauses the bot).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api_client import ApiError, ApiUnavailable
from actions.handoff import create_ticket
from actions.knowledge import answer_events
from actions.text import is_emoji_only, is_foreign

NOT_UNDERSTOOD = "utter_default"


def previous_turn_not_understood(tracker: Tracker) -> bool:
    """Did the bot answer the claimant's previous message with "not understood"?"""
    users_seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users_seen += 1
            if users_seen == 2:
                return False
        elif (
            users_seen == 1
            and event.get("event") == "bot"
            and (event.get("metadata") or {}).get("utter_action") == NOT_UNDERSTOOD
        ):
            return True
    return False


class ActionDefaultFallback(Action):
    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        text = str((tracker.latest_message or {}).get("text") or "")
        if is_emoji_only(text):
            dispatcher.utter_message(response="utter_emoji_only")
            return []
        if is_foreign(text):
            dispatcher.utter_message(response="utter_english")
            return []
        try:
            answered = await answer_events(text, tracker, dispatcher, domain)
        except (ApiUnavailable, ApiError):
            answered = None
        if answered is not None:
            return answered
        if previous_turn_not_understood(tracker):
            dispatcher.utter_message(response="utter_handoff_not_understood")
            return await create_ticket(dispatcher, tracker, category="consultation")
        dispatcher.utter_message(response=NOT_UNDERSTOOD)
        return []
