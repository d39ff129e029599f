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
# "算了不用了" is no answer to "是否有以下任一情况": read as "没有" it would declare no stop event.
_REFUSAL = re.compile(r"算了|不用了|不办了|不要了|不签了|不弄了|不做了")


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
        if tracker.get_slot("checkin_open") is False:
            # This month is already done: no questions. The slot stays listed (it is filled, so
            # nothing is asked) because rasa_sdk returns only the values of listed slots.
            return ["checkin_open"]
        if verified(tracker) and tracker.get_slot("checkin_open") is None:
            slots = ["checkin_open", *slots]  # the month is asked about first (extract_checkin_open)
        if tracker.get_slot("stop_any") is not True:
            slots = [s for s in slots if s != "stop_details"]
        return slots

    async def extract_checkin_open(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A claimant verified before the form started (bound WeChat, own mobile, recent code)."""
        if not verified(tracker) or tracker.get_slot("checkin_open") is not None:
            return {}
        return await month_open(dispatcher, tracker, domain, str(tracker.get_slot("claim_id")))

    def validate_checkin_open(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # Without a validate_ method rasa_sdk drops the extracted value instead of returning it.
        return {"checkin_open": value}

    async def validate_sms_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        result = await super().validate_sms_code(value, dispatcher, tracker, domain)
        if result.get("identity_verified") and result.get("claim_id"):
            # Verified just now: this month is asked about before the first question.
            result |= await month_open(dispatcher, tracker, domain, str(result["claim_id"]))
        return result

    @staticmethod
    def _called_off(dispatcher: CollectingDispatcher) -> dict[str, Any]:
        """The claimant stopped during the questions: nothing is recorded."""
        dispatcher.utter_message(response="utter_cancelled")
        return {"stop_any": None, "stop_details": None, "identity_failure": "cancelled", "requested_slot": None}

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
        if _REFUSAL.search(text) and yes_no(text) is None and not parse_stop_events(text):
            return self._called_off(dispatcher)
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
        if _REFUSAL.search(text) and yes_no(text) is None and not parse_stop_events(text):
            return self._called_off(dispatcher)
        events = parse_stop_events(text)
        if events:
            return {"stop_details": ",".join(events)}
        if yes_no(text) is False:  # "没有" after all
            return {"stop_any": False, "stop_details": ""}
        dispatcher.utter_message(response="utter_stop_details_invalid")
        return {"stop_details": None}


DUTY_ZH = {"monthly_claim": "按月申领", "qualification_check": "资格核验"}


def _day(text: str, *, month_of: str | None = None) -> str:
    """ "2027-01-31" as "2027年1月31日"; "31日" alone when `month_of` is the same month."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    if month_of is not None and month_of[:7] == text[:7]:
        return f"{int(text[8:10])}日"
    return f"{text[:4]}年{int(text[5:7])}月{int(text[8:10])}日"


def _month(text: str) -> str:
    return f"{text[:4]}年{int(text[5:7])}月" if re.fullmatch(r"\d{4}-\d{2}", text) else text


async def month_open(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, claim_id: str
) -> dict[str, Any]:
    """Whether this month's check-in is still to do, asked of the claim's status before any question.

    Done already: said once (with the next window) and the form ends without its questions. The
    status call failing is no reason to refuse: the check-in itself still answers a duplicate.
    """
    month = current_month()
    try:
        status = await call("GET", f"/v1/claims/{claim_id}/status", sender=tracker.sender_id)
    except (ApiUnavailable, ApiError):
        return {"checkin_open": True}
    entry = next((e for e in status.get("ledger") or [] if e.get("month") == month), None)
    if entry is None:
        return {"checkin_open": True}
    duty = DUTY_ZH.get(str(status.get("duty")), "申报")
    start, end = str(entry.get("window_start") or ""), str(entry.get("window_end") or "")
    today = str(status.get("as_of") or "")
    if not entry.get("checked_in"):
        if not (start and end and today) or start <= today <= end:  # ISO dates compare as text
            return {"checkin_open": True}
        # Not this month's window (Tianjin: the 5th to the 25th): said now, not after six questions.
        dispatcher.utter_message(
            response="utter_checkin_outside_window",
            month=_month(month),
            start=_day(start),
            end=_day(end, month_of=start),
        )
        if today > end:  # closed: what a missed month means is the service's to say (its status notes)
            for note in status.get("notes") or []:
                if note.get("code") == "MONTHS_LOST" and note.get("message"):
                    dispatcher.utter_message(text=with_citations([note["message"]], note.get("citations") or []))
        return {"checkin_open": False, "requested_slot": None}
    dispatcher.utter_message(response="utter_checkin_already_done", month=_month(month), duty=duty)
    upcoming = status.get("next_checkin") or {}
    if upcoming.get("start") and upcoming.get("end"):
        dispatcher.utter_message(
            response="utter_checkin_next_window",
            start=_day(upcoming["start"]),
            end=_day(upcoming["end"], month_of=upcoming["start"]),
            month=_month(str(upcoming.get("month", ""))),
            duty=duty,
        )
    return {"checkin_open": False, "requested_slot": None}


class ActionSubmitCheckin(Action):
    def name(self) -> str:
        return "action_submit_checkin"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.get_slot("identity_failure") == "cancelled":  # called off: already said, nothing sent
            return [SlotSet("stop_any", None), SlotSet("stop_details", None)]
        if not verified(tracker):
            failure = tracker.get_slot("identity_failure")
            if failure == "not_found":
                dispatcher.utter_message(response="utter_id_not_verified")
            elif not failure:
                dispatcher.utter_message(response="utter_identity_failed")
            return []
        if tracker.get_slot("checkin_open") is False:  # done already, or not its window: said by the form
            claim_id = tracker.get_slot("claim_id")
            offers = await offer_backpay_if_any(dispatcher, claim_id, tracker.sender_id)
            return [SlotSet("checkin_open", None), *offers]
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
    stop = result.get("stop") or {}
    explained = any(e.get("message") for e in result.get("effects") or [])
    # The service's own explanation says it once; the domain's line is the heading of a stop report,
    # and for a duplicate or a closed window only stands in when the service said nothing.
    if status == "stop_reported" or (status in ("duplicate", "outside_window") and not explained):
        lines.append(
            response_text(
                domain,
                f"utter_checkin_{status}",
                month=month_zh,
                start=window.get("start", ""),
                end=window.get("end", ""),
            )
        )
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
