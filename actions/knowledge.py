"""Questions about the rules: the knowledge base answers, the eligibility service computes.

The KB answer text already ends with its citation and, where no regional rule
applies, the "当地规定可能不同" note. When the question carries a contribution
period ("交了6年能领多久"), the eligibility service computes the entitlement for
the claimant's region and that line comes first. Without a region, the national
answer is given and the region is asked once.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api_client import ApiError, ApiUnavailable, call
from actions.render import cite, response_text
from actions.text import contribution_months, months_text

KB_MAX_QUERY = 200  # the search API's limit
MIN_SCORE = 8.0  # below this the best hit is a loose clause match, not an answer
RESCUE_SCORE = 15.0  # a fallback turn is answered from the KB only above this
_ASKS_DURATION = re.compile(r"多久|多长|几个月|多少个月|多少月|领几|能领多|期限")
SHANGHAI = timezone(timedelta(hours=8))


_CLAUSE_END = re.compile(r"(?<=[。！？!?；;，,\n])")
_QUESTION = re.compile(r"[吗么嘛呢？?]|怎么|怎样|如何|多久|多少|几个|能不能|可不可以|是否|哪里|哪儿|去哪")


def clip_question(text: str) -> str:
    """What to search with: a short message as it is; from a long one, its last question.

    People tell their story first and ask at the end ("…我被辞退了，请问失业金能领多久"):
    the last clause with a question word and the clause before it carry the question.
    """
    text = " ".join(text.split())
    if len(text) <= KB_MAX_QUERY:
        return text
    clauses = [c for c in _CLAUSE_END.split(text) if c.strip()]
    for index in range(len(clauses) - 1, -1, -1):
        if _QUESTION.search(clauses[index]):
            question = "".join(clauses[max(0, index - 1) : index + 1])
            return question[-KB_MAX_QUERY:]
    return text[-KB_MAX_QUERY:]


def today() -> str:
    return datetime.now(UTC).astimezone(SHANGHAI).date().isoformat()


def search(question: str, region: str | None) -> dict[str, Any]:
    """KB search; an unknown region falls back to the national answer (and says so)."""
    params: dict[str, Any] = {"q": clip_question(question), "limit": 3}
    if region:
        params["region"] = region
    try:
        return call("GET", "/v1/kb/search", params=params)
    except ApiError as exc:
        if exc.status == 422 and region:
            found = call("GET", "/v1/kb/search", params={**params, "region": None})
            found["region_rejected"] = True
            return found
        raise


def entitlement_line(months: int, region: str | None, domain: DomainDict, kb_answer: str = "") -> str | None:
    """The eligibility service's answer for a contribution period (benefit months, or why not).

    None when the service has nothing to add, or when the KB answer (rendered from the
    same rule base) already states the same entitlement.
    """
    body = {"region": region or "CN", "application_date": today(), "contribution": {"total_months": months}}
    try:
        decision = call("POST", "/v1/eligibility/evaluate", json=body)
    except (ApiUnavailable, ApiError):
        return None
    benefit_months = decision.get("benefit_months")
    if benefit_months:
        if f"可领{benefit_months}个月" in kb_answer:
            return None
        return response_text(domain, "utter_benefit_months", contribution=months_text(months), months=benefit_months)
    failed = [r for r in decision.get("reasons") or [] if r.get("outcome") == "fail"]
    if failed:
        return failed[0]["message"] + cite(failed[0].get("citations") or [])
    return None


def compose_answer(
    question: str, region: str | None, domain: DomainDict, *, min_score: float = MIN_SCORE
) -> tuple[str, dict[str, Any]] | None:
    """(reply, KB response) for `question`, or None when the KB has nothing good enough."""
    found = search(question, region)
    results = [r for r in found.get("results") or [] if float(r.get("score") or 0) >= min_score]
    if not results:
        return None
    top = results[0]
    parts = []
    if found.get("region_rejected"):
        parts.append(response_text(domain, "utter_region_unknown"))
    kb_answer = str(top.get("answer") or top.get("body") or "")
    months = contribution_months(question)
    if months and (top.get("id") == "duration" or _ASKS_DURATION.search(question)):
        line = entitlement_line(months, region or _matched_region(found), domain, kb_answer)
        if line:
            parts.append(line)
    parts.append(kb_answer)
    return "\n".join(p for p in parts if p), found


_FILLER = re.compile(
    r"我|现在|目前|人|在|是|的|了|啦|呢|呀|这边|那边|参保地|参保|地区|搬到|搬去|去了|到了|住|老家|[，,。.！!？?\s]"
)
_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]{2,12}$")


def resolve_place(text: str) -> str | None:
    """A place the lookup table does not list ("我在绵阳"): let the API's resolver try it.

    The API knows every division of GB/T 2260; a name it cannot place is a 422.
    """
    candidate = _FILLER.sub("", text)
    if not _CJK_ONLY.match(candidate):
        return None
    try:
        found = call("GET", "/v1/kb/search", params={"q": "失业保险金", "region": candidate, "limit": 1})
    except (ApiUnavailable, ApiError):
        return None
    region = found.get("region") or {}
    return region.get("matched") or region.get("name") or None


def _matched_region(found: dict[str, Any]) -> str | None:
    region = found.get("region") or {}
    return region.get("matched") if region.get("code") not in (None, "CN") else None


def answer_events(
    question: str,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    *,
    region: str | None = None,
    min_score: float = MIN_SCORE,
    ask_region: bool = True,
) -> list[dict[str, Any]] | None:
    """Answer `question`; the events to return, or None when the KB had no answer (nothing said)."""
    region = region or tracker.get_slot("region")
    try:
        composed = compose_answer(question, region, domain, min_score=min_score)
    except (ApiUnavailable, ApiError):
        dispatcher.utter_message(response="utter_service_unavailable")
        return [SlotSet("last_question", question)]
    if composed is None:
        return None
    reply, found = composed
    events: list[dict[str, Any]] = [SlotSet("last_question", question)]
    if found.get("region_rejected"):
        events.append(SlotSet("region", None))
        region = None
    matched = _matched_region(found)
    if not region and matched:
        events.append(SlotSet("region", matched))
    elif ask_region and not region and not tracker.get_slot("region_asked"):
        reply += "\n" + response_text(domain, "utter_ask_region")
        events.append(SlotSet("region_asked", True))
    dispatcher.utter_message(text=reply)
    return events


class ActionAnswerPolicy(Action):
    def name(self) -> str:
        return "action_answer_policy"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        question = str((tracker.latest_message or {}).get("text") or "")
        if len(question) > KB_MAX_QUERY:
            dispatcher.utter_message(response="utter_too_long")
        events = answer_events(question, tracker, dispatcher, domain)
        if events is None:
            dispatcher.utter_message(response="utter_kb_no_answer")
            events = [SlotSet("last_question", None)]
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if intent == "report_new_job":
            dispatcher.utter_message(response="utter_report_job_offer")
        return events


class ActionRegionChanged(Action):
    """ "我在大连" / "我现在在重庆了": remember it and, if a question is pending, answer it for there."""

    def name(self) -> str:
        return "action_region_changed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        region = tracker.get_slot("region")
        mentioned = [e for e in (tracker.latest_message or {}).get("entities") or [] if e.get("entity") == "region"]
        events: list[dict[str, Any]] = [SlotSet("region_asked", True)]
        if not mentioned:
            region = resolve_place(str((tracker.latest_message or {}).get("text") or ""))
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
            composed = compose_answer(question, region, domain)
        except (ApiUnavailable, ApiError):
            dispatcher.utter_message(response="utter_service_unavailable")
            return events
        if composed is None:
            dispatcher.utter_message(response="utter_region_noted", region=region)
            return events
        reply, found = composed
        national = (found.get("region") or {}).get("national_fallback")
        dispatcher.utter_message(response="utter_region_national" if national else "utter_region_set", region=region)
        dispatcher.utter_message(text=reply)
        return events
