"""The monthly check-in (按月申领 / 资格核验): identity, the stop-event questions, the result.

One compact yes/no question lists the six stop events; details are asked only on
"yes". The result (accepted, lost month, stop from next month, back-pay option)
comes from the claims service, which uses its own clock for the check-in time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api_client import ApiError, ApiUnavailable, call
from actions.channel import claims_channel
from actions.claims import offer_backpay_if_any
from actions.clock import CHINA_TZ
from actions.identity import IdentityFormValidation, verified
from actions.knowledge import answer_events
from actions.render import response_text, with_citations
from actions.text import yes_no

# The check-in's stop-event questions, in order: a copy of policy_kb.vocab.CheckinAnswer (the action
# server does not ship policy_kb; it talks to the API over HTTP only).
# tests/policy_kb/test_vocab_copies.py fails when the two differ.
STOP_EVENTS = ("reemployed", "business_registered", "receiving_pension", "enlisted", "emigrated", "refused_job_offer")
_KEYWORDS = {
    "reemployed": ("工作", "上班", "就业", "入职", "打工", "上岗", "单位", "灵活就业"),
    "business_registered": ("营业执照", "执照", "法人", "开店", "个体", "公司注册", "工商"),
    "receiving_pension": ("养老金", "退休金", "退休"),
    "enlisted": ("当兵", "入伍", "参军", "兵役"),
    "emigrated": ("出国", "移民", "定居", "境外", "国外"),
    "refused_job_offer": ("拒绝", "不去", "没去", "推荐的工作", "介绍的工作"),
}
_QUESTION = re.compile(r"[吗么？?]|怎么|能不能|会不会|还能|可以吗")


def parse_stop_events(text: str) -> list[str]:
    """Stop events named by number (1-6) or in words; [] when none is recognised."""
    found: list[str] = []
    for digit in re.findall(r"(?<![0-9])[1-6](?![0-9])", text):
        found.append(STOP_EVENTS[int(digit) - 1])
    for event, words in _KEYWORDS.items():
        if any(word in text for word in words):
            found.append(event)
    return list(dict.fromkeys(found))


def current_month(now: datetime | None = None) -> str:
    """The check-in month in China (the claims service decides whether it is inside the window)."""
    return (now or datetime.now(UTC)).astimezone(CHINA_TZ).strftime("%Y-%m")


class ValidateCheckinForm(IdentityFormValidation):
    def name(self) -> str:
        return "validate_checkin_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        if tracker.get_slot("identity_failure"):
            return []
        if tracker.get_slot("stop_any") is not True:
            slots = [s for s in slots if s != "stop_details"]
        return slots

    @staticmethod
    async def _answered_as_question(
        text: str, intent: str | None, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> bool:
        """A question asked instead of an answer ("找到工作了还能领吗？") is answered, then asked again.

        A statement ("我开了个小店，办了营业执照") is an answer even if it was classified as
        a policy question: it is parsed for stop events, never recorded from a question.
        """
        if intent != "ask_policy" or not _QUESTION.search(text):
            return False
        answered = await answer_events(text, tracker, dispatcher, domain, ask_region=False)
        return answered is not None

    async def validate_stop_any(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"stop_any": None}
        text = str(value) if not isinstance(value, bool) else ("有" if value else "没有")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if await self._answered_as_question(text, intent, dispatcher, tracker, domain):
            return {"stop_any": None}
        events = parse_stop_events(text)
        if events:  # "有，我找到工作了" or "1": the details are already there
            return {"stop_any": True, "stop_details": ",".join(events)}
        answer = yes_no(text)
        if answer is None and intent in ("affirm", "deny"):
            answer = intent == "affirm"
        if answer is None:
            dispatcher.utter_message(response="utter_stop_any_invalid")
            return {"stop_any": None}
        return {"stop_any": answer, "stop_details": None if answer else ""}

    async def validate_stop_details(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"stop_details": None}
        text = str(value)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if await self._answered_as_question(text, intent, dispatcher, tracker, domain):
            return {"stop_details": None}
        events = parse_stop_events(text)
        if events:
            return {"stop_details": ",".join(events)}
        if yes_no(text) is False:  # "没有" after all
            return {"stop_any": False, "stop_details": ""}
        dispatcher.utter_message(response="utter_stop_details_invalid")
        return {"stop_details": None}


class ActionSubmitCheckin(Action):
    def name(self) -> str:
        return "action_submit_checkin"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if not verified(tracker):
            failure = tracker.get_slot("identity_failure")
            if failure == "not_found":
                dispatcher.utter_message(response="utter_id_not_verified")
            elif not failure:
                dispatcher.utter_message(response="utter_identity_failed")
            return []
        claim_id = tracker.get_slot("claim_id")
        reported = set(filter(None, (tracker.get_slot("stop_details") or "").split(",")))
        answers = {event: event in reported for event in STOP_EVENTS}
        body = {"month": current_month(), "channel": claims_channel(tracker), "answers": answers}
        try:
            result = await call("POST", f"/v1/claims/{claim_id}/checkins", json=body, sender=tracker.sender_id)
        except (ApiUnavailable, ApiError):
            dispatcher.utter_message(response="utter_checkin_failed")
            return []
        dispatcher.utter_message(text=checkin_reply(result, domain))
        events: list[dict[str, Any]] = [SlotSet("stop_any", None), SlotSet("stop_details", None)]
        if result.get("status") in ("accepted", "duplicate", "outside_window"):
            events += await offer_backpay_if_any(dispatcher, claim_id, tracker.sender_id)
        return events


def checkin_reply(result: dict[str, Any], domain: DomainDict) -> str:
    """The service's result in a few lines: status, stop, effects, with citations at the end."""
    status = str(result.get("status"))
    month = str(result.get("month", ""))
    month_zh = f"{month[:4]}年{int(month[5:7])}月" if re.fullmatch(r"\d{4}-\d{2}", month) else month
    window = result.get("window") or {}
    lines: list[str] = []
    if status in ("stop_reported", "duplicate", "outside_window"):
        lines.append(
            response_text(
                domain,
                f"utter_checkin_{status}",
                month=month_zh,
                start=window.get("start", ""),
                end=window.get("end", ""),
            )
        )
    stop = result.get("stop") or {}
    if stop.get("message"):
        lines.append(stop["message"])
    for effect in result.get("effects") or []:
        if effect.get("message") and effect["message"] not in lines:
            lines.append(effect["message"])
    citations = list(stop.get("citations") or [])
    for effect in result.get("effects") or []:
        citations += effect.get("citations") or []
    citations += result.get("citations") or []
    return with_citations(lines, citations)
