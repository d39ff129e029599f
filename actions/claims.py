"""A verified claimant's own claim: why it was refused or suspended, and back-pay.

Everything said here is the claims service's own explanation (its notes and
messages, each with citations); the bot picks what answers the question, adds
the remedy and offers to start it (a back-pay request or a ticket).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api_client import ApiError, ApiUnavailable, call
from actions.identity import verified
from actions.knowledge import answer_events
from actions.render import response_text, with_citations

# What the knowledge base is asked when a claimant without a claim asks why they were refused:
# the remedies are re-applying and disputing the recorded reason for leaving (with the
# region's route and evidence); 失业登记 is offered as a follow-up question.
REFUSAL_QUESTIONS = (
    "失业金审核没通过怎么办，还能重新申请吗",
    "单位把离职原因填成主动离职，怎么申请重新认定，要提供什么材料",
)


async def backpay_options(claim_id: str, sender: str) -> dict[str, Any]:
    return await call("GET", f"/v1/claims/{claim_id}/backpay", sender=sender)


def can_request_backpay(options: dict[str, Any]) -> bool:
    return bool(options.get("applicable") and options.get("eligible_months") and not options.get("expired"))


async def offer_backpay_if_any(dispatcher: CollectingDispatcher, claim_id: str, sender: str) -> list[dict[str, Any]]:
    """After a check-in: mention back-pay only when there is something to ask for."""
    try:
        options = await backpay_options(claim_id, sender)
    except (ApiUnavailable, ApiError):
        return []
    if not can_request_backpay(options):
        return []
    dispatcher.utter_message(text=with_citations([options.get("message", "")], options.get("citations") or []))
    dispatcher.utter_message(response="utter_offer_backpay")
    return [SlotSet("pending_offer", "backpay_request")]


def status_reply(status: dict[str, Any], domain: DomainDict) -> str:
    """The service's notes on the claim, the duty rule first, with their citations."""
    notes = status.get("notes") or []
    lines = [str(n.get("message") or "") for n in notes]
    citations = [c for n in notes for c in (n.get("citations") or [])]
    remaining = status.get("months_remaining")
    if remaining is not None:
        lines.append(response_text(domain, "utter_months_remaining", months=remaining))
    return with_citations(lines, citations)


class ActionExplainClaim(Action):
    """ "为什么停发了/被拒了": the claim's status explained, then the remedy and an offer."""

    def name(self) -> str:
        return "action_explain_claim"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if not verified(tracker):
            return await self._without_claim(dispatcher, tracker, domain)
        claim_id = tracker.get_slot("claim_id")
        try:
            status = await call("GET", f"/v1/claims/{claim_id}/status", sender=tracker.sender_id)
        except (ApiUnavailable, ApiError):
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        dispatcher.utter_message(text=status_reply(status, domain))
        events: list[dict[str, Any]] = []
        region = (status.get("region") or {}).get("matched_name")
        if region and not tracker.get_slot("region"):
            events.append(SlotSet("region", region))
        options = status.get("backpay") or {}
        if can_request_backpay(options):
            dispatcher.utter_message(text=with_citations([options.get("message", "")], options.get("citations") or []))
            dispatcher.utter_message(response="utter_offer_backpay")
            return [*events, SlotSet("pending_offer", "backpay_request")]
        dispatcher.utter_message(response="utter_offer_ticket")
        return [*events, SlotSet("pending_offer", "ticket")]

    @staticmethod
    async def _without_claim(
        dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        failure = tracker.get_slot("identity_failure")
        if failure != "not_found":  # locked, unavailable or cancelled: already explained
            if not failure:
                dispatcher.utter_message(response="utter_identity_failed")
            return []
        # No claim under this number: most often an application that was refused. Explain the
        # remedies from the knowledge base (re-apply, 失业登记, dispute) and offer a person.
        dispatcher.utter_message(response="utter_no_claim_found")
        events: list[dict[str, Any]] = []
        for question in REFUSAL_QUESTIONS:
            events += await answer_events(question, tracker, dispatcher, domain, ask_region=False) or []
        dispatcher.utter_message(response="utter_refusal_more")
        dispatcher.utter_message(response="utter_offer_ticket")
        return [*events, SlotSet("pending_offer", "ticket"), SlotSet("last_question", None)]


class ActionBackpayOptions(Action):
    """ "能补发吗": the service's back-pay options for this claim, and an offer to request it."""

    def name(self) -> str:
        return "action_backpay_options"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if not verified(tracker):
            if tracker.get_slot("identity_failure") == "not_found":
                dispatcher.utter_message(response="utter_no_claim_found")
                answered = await answer_events("漏领的失业金能补发吗", tracker, dispatcher, domain) or []
                return [*answered, SlotSet("last_question", None)]
            if not tracker.get_slot("identity_failure"):
                dispatcher.utter_message(response="utter_identity_failed")
            return []
        claim_id = tracker.get_slot("claim_id")
        try:
            options = await backpay_options(claim_id, tracker.sender_id)
        except (ApiUnavailable, ApiError):
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        dispatcher.utter_message(text=with_citations([options.get("message", "")], options.get("citations") or []))
        if can_request_backpay(options):
            dispatcher.utter_message(response="utter_offer_backpay")
            return [SlotSet("pending_offer", "backpay_request")]
        return [SlotSet("pending_offer", None)]


async def submit_backpay_request(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """The claimant said yes: record the request for staff review (POST /backpay-requests)."""
    if not verified(tracker):
        dispatcher.utter_message(response="utter_identity_failed")
        return [SlotSet("pending_offer", None)]
    claim_id = tracker.get_slot("claim_id")
    try:
        created = await call("POST", f"/v1/claims/{claim_id}/backpay-requests", json={}, sender=tracker.sender_id)
    except ApiUnavailable:
        dispatcher.utter_message(response="utter_service_unavailable")
        return [SlotSet("pending_offer", None)]
    except ApiError as exc:
        dispatcher.utter_message(text=exc.message)
        return [SlotSet("pending_offer", None)]
    dispatcher.utter_message(response="utter_backpay_submitted", request_id=created.get("id", ""))
    if created.get("message"):
        dispatcher.utter_message(text=with_citations([created["message"]], created.get("citations") or []))
    return [SlotSet("pending_offer", None)]
