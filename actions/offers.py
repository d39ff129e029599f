"""Yes / no to what the assistant last offered (a back-pay request, a person)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.claims import submit_backpay_request
from actions.handoff import create_ticket


class ActionAffirm(Action):
    def name(self) -> str:
        return "action_affirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        offer = tracker.get_slot("pending_offer")
        if offer == "backpay_request":
            return await submit_backpay_request(dispatcher, tracker)
        if offer == "ticket":
            return await create_ticket(dispatcher, tracker, category="help")
        dispatcher.utter_message(response="utter_ok")
        return []


class ActionDeny(Action):
    def name(self) -> str:
        return "action_deny"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_nothing_pending" if tracker.get_slot("pending_offer") else "utter_ok")
        return [SlotSet("pending_offer", None)]
