"""Hand over to a person: an 接诉即办 ticket with a summary and the transcript.

Creating the ticket with `sender` pauses this conversation in the gateway until
staff release it. ID numbers, mobiles and codes are masked in what is sent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api_client import ApiError, ApiUnavailable, call
from actions.channel import ticket_channel
from actions.text import mask

MAX_TRANSCRIPT_LINES = 60
MAX_LINE_CHARS = 1000
URGENT_WORDS = ("救命", "自杀", "活不下去", "想不开", "出人命", "危险", "家里没饭吃")
CATEGORY_BY_INTENT = {
    "complain": "complaint",
    "request_human": "help",
    "dispute_decision": "help",
    "nlu_fallback": "consultation",
    "affirm": "help",  # yes to "need a person to check?"
}
REASON_ZH = {
    "complaint": "投诉",
    "help": "求助/转人工",
    "consultation": "咨询（助手未能理解）",
}
INTRO_BY_INTENT = {
    "complain": "utter_handoff_complaint",
    "dispute_decision": "utter_handoff_dispute",
    "nlu_fallback": "utter_handoff_not_understood",
}
SHANGHAI = timezone(timedelta(hours=8))


def transcript(tracker: Tracker) -> list[dict[str, Any]]:
    """The conversation so far (claimant and bot lines), masked, newest last."""
    lines: list[dict[str, Any]] = []
    for event in tracker.events:
        kind = event.get("event")
        text = event.get("text")
        if kind not in ("user", "bot") or not text:
            continue
        line: dict[str, Any] = {
            "role": "claimant" if kind == "user" else "bot",
            "text": mask(str(text))[:MAX_LINE_CHARS],
        }
        if event.get("timestamp"):
            line["at"] = datetime.fromtimestamp(float(event["timestamp"]), UTC).isoformat()
        lines.append(line)
    return lines[-MAX_TRANSCRIPT_LINES:]


def last_claimant_text(tracker: Tracker, *, skip: tuple[str, ...] = ()) -> str:
    """The claimant's latest message that says more than "人工"."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in skip:
            continue
        return str(event.get("text") or "")
    return ""


def summary(tracker: Tracker, category: str) -> str:
    """One structured line for staff: reason, region, verification, what was asked."""
    asked = last_claimant_text(tracker, skip=("request_human", "affirm", "deny"))
    region = tracker.get_slot("region") or "未说明"
    who = (
        f"已核验身份（待遇编号{tracker.get_slot('claim_id')}）"
        if tracker.get_slot("identity_verified")
        else "未核验身份"
    )
    text = f"【{REASON_ZH.get(category, category)}】地区：{region}；{who}；诉求：{mask(asked) or '（未说明）'}"
    return text[:500]


def urgency(tracker: Tracker) -> str:
    texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    return "urgent" if any(word in t for t in texts[-5:] for word in URGENT_WORDS) else "normal"


def create_ticket(dispatcher: CollectingDispatcher, tracker: Tracker, *, category: str) -> list[dict[str, Any]]:
    claim_id = tracker.get_slot("claim_id") if tracker.get_slot("identity_verified") else None
    body = {
        "category": category,
        "channel": ticket_channel(tracker),
        "region": tracker.get_slot("region") or "CN",
        "claim_id": int(claim_id) if claim_id and str(claim_id).isdigit() else None,
        "summary": summary(tracker, category),
        "transcript": transcript(tracker),
        "urgency": urgency(tracker),
        "sender": tracker.sender_id,
    }
    try:
        ticket = call("POST", "/v1/tickets", json=body, sender=tracker.sender_id)
    except ApiError as exc:
        if exc.status == 422 and body["region"] != "CN":  # a region the ticket service cannot place
            try:
                ticket = call("POST", "/v1/tickets", json={**body, "region": "CN"}, sender=tracker.sender_id)
            except (ApiUnavailable, ApiError):
                dispatcher.utter_message(response="utter_ticket_failed")
                return [SlotSet("pending_offer", None)]
        else:
            dispatcher.utter_message(response="utter_ticket_failed")
            return [SlotSet("pending_offer", None)]
    except ApiUnavailable:
        dispatcher.utter_message(response="utter_ticket_failed")
        return [SlotSet("pending_offer", None)]
    dispatcher.utter_message(
        response="utter_ticket_created", number=ticket.get("number", ""), respond_by=when_zh(ticket.get("respond_by"))
    )
    return [SlotSet("pending_offer", None)]


def when_zh(value: Any) -> str:
    """ "2026-03-10T17:00:00+08:00" → "3月10日17:00"."""
    try:
        moment = datetime.fromisoformat(str(value)).astimezone(SHANGHAI)
    except ValueError:
        return str(value or "规定时限")
    return f"{moment.month}月{moment.day}日{moment:%H:%M}"


class ActionHandoff(Action):
    """Asked for a person, complained or disputed a decision."""

    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name") or "request_human"
        category = CATEGORY_BY_INTENT.get(intent, "help")
        if intent in INTRO_BY_INTENT:
            dispatcher.utter_message(response=INTRO_BY_INTENT[intent])
        return create_ticket(dispatcher, tracker, category=category)
