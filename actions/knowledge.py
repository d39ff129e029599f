"""Questions about the rules: one call to POST /v1/answers per turn, its reply shown as it is.

The API composes the reply (the person's own figures first, the answer for the region
and date, the citations at the end) or says it is not sure and offers 12333 and a
person. Without a region the national answer is given and the region is asked once.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api_client import ApiError, ApiUnavailable, call
from actions.render import response_text

KB_MAX_QUERY = 200  # longer messages are answered by their last question; the claimant is told so
MAX_MESSAGE = 2000  # the answers API's limit


async def ask(question: str, region: str | None) -> dict[str, Any]:
    """The composed answer; a region the API cannot place falls back to the national answer (and says so)."""
    body: dict[str, Any] = {"message": question[-MAX_MESSAGE:]}
    if region:
        body["region"] = region
    try:
        found: dict[str, Any] = await call("POST", "/v1/answers", json=body)
    except ApiError as exc:
        if exc.status == 422 and region:
            found = await call("POST", "/v1/answers", json={"message": body["message"]})
            found["region_rejected"] = True
            return found
        raise
    return found


async def compose_answer(question: str, region: str | None, domain: DomainDict) -> tuple[str, dict[str, Any]]:
    """(text to show, the API's answer): the reply, after a note when the region was not recognised."""
    found = await ask(question, region)
    parts = []
    if found.get("region_rejected"):
        parts.append(response_text(domain, "utter_region_unknown"))
    parts.append(str(found.get("reply") or ""))
    return "\n".join(p for p in parts if p), found


_FILLER = re.compile(
    r"我|现在|目前|人|在|是|的|了|啦|呢|呀|这边|那边|参保地|参保|地区|搬到|搬去|去了|到了|住|老家|[，,。.！!？?\s]"
)
_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]{2,12}$")


async def resolve_place(text: str) -> str | None:
    """A place the lookup table does not list ("我在绵阳"): let the API's resolver try it.

    The API knows every division of GB/T 2260; a name it cannot place is a 422.
    """
    candidate = _FILLER.sub("", text)
    if not _CJK_ONLY.match(candidate):
        return None
    try:
        found = await call("POST", "/v1/answers", json={"message": "失业保险金", "region": candidate})
    except (ApiUnavailable, ApiError):
        return None
    region = found.get("region") or {}
    return region.get("matched") or region.get("name") or None


def _matched_region(found: dict[str, Any]) -> str | None:
    region = found.get("region") or {}
    return region.get("matched") if region.get("code") not in (None, "CN") else None


async def answer_events(
    question: str,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    *,
    region: str | None = None,
    ask_region: bool = True,
    say_unsure: bool = False,
) -> list[dict[str, Any]] | None:
    """Answer `question`; the events to return, or None when the API was not sure (nothing said).

    With `say_unsure` the API's "not sure" reply (12333, the local office, 转人工) is shown
    instead of returning None: for a turn the dialogue took for a policy question.
    """
    region = region or tracker.get_slot("region")
    try:
        reply, found = await compose_answer(question, region, domain)
    except (ApiUnavailable, ApiError):
        dispatcher.utter_message(response="utter_service_unavailable")
        return [SlotSet("last_question", question)]
    if found.get("abstained") and not say_unsure:
        return None
    events: list[dict[str, Any]] = [SlotSet("last_question", None if found.get("abstained") else question)]
    if found.get("region_rejected"):
        events.append(SlotSet("region", None))
        region = None
    matched = _matched_region(found)
    if not region and matched:
        events.append(SlotSet("region", matched))
    elif ask_region and not region and not tracker.get_slot("region_asked") and not found.get("abstained"):
        reply += "\n" + response_text(domain, "utter_ask_region")
        events.append(SlotSet("region_asked", True))
    dispatcher.utter_message(text=reply, buttons=suggestion_buttons(found))
    return events


def suggestion_buttons(found: dict[str, Any]) -> list[dict[str, str]]:
    """After a close-call abstention, the questions the API offers ("您想问的是不是…") as buttons.

    Each is an entry's title, itself a question: a tap sends it and it is answered as asked.
    """
    if not found.get("abstained"):
        return []
    titles = (str(s.get("title") or "") for s in found.get("suggestions") or [] if isinstance(s, dict))
    return [{"title": title, "payload": title} for title in titles if title]


class ActionAnswerPolicy(Action):
    def name(self) -> str:
        return "action_answer_policy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        question = str((tracker.latest_message or {}).get("text") or "")
        if len(question) > KB_MAX_QUERY:
            dispatcher.utter_message(response="utter_too_long")
        events = await answer_events(question, tracker, dispatcher, domain, say_unsure=True) or []
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if intent == "report_new_job":
            dispatcher.utter_message(response="utter_report_job_offer")
        return events


class ActionRegionChanged(Action):
    """ "我在大连" / "我现在在重庆了": remember it and, if a question is pending, answer it for there."""

    def name(self) -> str:
        return "action_region_changed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        region = tracker.get_slot("region")
        mentioned = [e for e in (tracker.latest_message or {}).get("entities") or [] if e.get("entity") == "region"]
        events: list[dict[str, Any]] = [SlotSet("region_asked", True)]
        if not mentioned:
            region = await resolve_place(str((tracker.latest_message or {}).get("text") or ""))
            if region:
                events.append(SlotSet("region", region))
        if not region:
            dispatcher.utter_message(response="utter_region_unknown")
            return []
        question = tracker.get_slot("last_question")
        if not question:
            dispatcher.utter_message(response="utter_region_noted", region=region)
            return events
        try:
            reply, found = await compose_answer(question, region, domain)
        except (ApiUnavailable, ApiError):
            dispatcher.utter_message(response="utter_service_unavailable")
            return events
        if found.get("abstained"):
            dispatcher.utter_message(response="utter_region_noted", region=region)
            return events
        national = (found.get("region") or {}).get("national_fallback")
        dispatcher.utter_message(response="utter_region_national" if national else "utter_region_set", region=region)
        dispatcher.utter_message(text=reply)
        return events
