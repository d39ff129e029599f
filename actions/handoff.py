"""Hand over to a person: an 接诉即办 ticket with a summary and the transcript.

Creating the ticket with `sender` pauses this conversation in the gateway until
staff answer it. ID numbers, mobiles and codes are masked in what is sent.
A bare "人工" says nothing staff could act on: action_handoff_check sends it
through handoff_form first, which asks what the claimant needs (the ticket's 诉求).
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
from actions.channel import ticket_channel
from actions.clock import CHINA_TZ
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
# What a request for a person says besides asking for one: "我要转人工客服" says nothing.
_ASKING_WORDS = re.compile(
    r"人工|转接|转|客服|服务|工作人员|真人|专人|接线员|我要|我想|要|想|找|请|帮我|给我|麻烦|一下|你好|您好|[\s\W_]"
)
NO_ISSUE = "（询问后仍未说明，要求直接转人工）"
# A message just before "人工" that these intents carry is what the claimant needs.
CONTENT_INTENTS = ("ask_policy", "nlu_fallback", "out_of_scope", "complain", "dispute_decision", "report_new_job")


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


def is_bare(text: str) -> bool:
    """True when `text` only asks for a person ("人工", "我要转人工客服")."""
    return len(_ASKING_WORDS.sub("", text)) < 2


def _intent(event: dict[str, Any]) -> str | None:
    name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
    return str(name) if name else None


def last_claimant_text(tracker: Tracker, *, skip: tuple[str, ...] = ()) -> str:
    """The claimant's latest message that says more than "人工", since the last hand-off.

    An earlier ticket's 诉求 is not this one's: the search stops at the previous action_handoff.
    The issue asked for by handoff_form, when it was asked, is the answer.
    """
    issue = tracker.get_slot("handoff_issue")
    if issue and not is_bare(str(issue)):
        return str(issue)
    latest = str((tracker.latest_message or {}).get("text") or "")
    if latest and not is_bare(latest) and _intent({"parse_data": tracker.latest_message}) not in skip:
        return latest
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_handoff":
            break
        if event.get("event") != "user" or _intent(event) in skip:
            continue
        text = str(event.get("text") or "")
        if text and not is_bare(text):
            return text
    return ""


def issue_given(tracker: Tracker) -> bool:
    """Whether a request for a person already says what for: in itself, or the message just before."""
    latest = str((tracker.latest_message or {}).get("text") or "")
    if latest and not is_bare(latest):
        return True
    users = [e for e in tracker.events if e.get("event") == "user"]
    if users and str(users[-1].get("text") or "") == latest:
        users = users[:-1]  # the request itself
    for event in reversed(tracker.events):  # nothing from before the previous hand-off
        if event.get("event") == "action" and event.get("name") == "action_handoff":
            return False
        if event in users[-1:]:
            text = str(event.get("text") or "")
            return _intent(event) in CONTENT_INTENTS and not is_bare(text)
    return False


def summary(tracker: Tracker, category: str) -> str:
    """One structured line for staff: reason, region, verification, what was asked."""
    asked = last_claimant_text(tracker, skip=("request_human", "affirm", "deny"))
    region = tracker.get_slot("region") or "未说明"
    who = (
        f"已核验身份（待遇编号{tracker.get_slot('claim_id')}）"
        if tracker.get_slot("identity_verified")
        else "未核验身份"
    )
    # Asked once and still only "人工": the claimant is not made to explain again, and staff see why.
    issue = mask(asked) or NO_ISSUE
    text = f"【{REASON_ZH.get(category, category)}】地区：{region}；{who}；诉求：{issue}"
    return text[:500]


def urgency(tracker: Tracker) -> str:
    texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    return "urgent" if any(word in t for t in texts[-5:] for word in URGENT_WORDS) else "normal"


async def create_ticket(dispatcher: CollectingDispatcher, tracker: Tracker, *, category: str) -> list[dict[str, Any]]:
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
        # This reply gives the number and the deadline: the API sends no second acknowledgement.
        "acknowledged": True,
    }
    try:
        ticket = await call("POST", "/v1/tickets", json=body, sender=tracker.sender_id)
    except ApiError as exc:
        if exc.status == 422 and body["region"] != "CN":  # a region the ticket service cannot place
            try:
                ticket = await call("POST", "/v1/tickets", json={**body, "region": "CN"}, sender=tracker.sender_id)
            except (ApiUnavailable, ApiError):
                dispatcher.utter_message(response="utter_ticket_failed")
                return [SlotSet("pending_offer", None)]
        else:
            dispatcher.utter_message(response="utter_ticket_failed")
            return [SlotSet("pending_offer", None)]
    except ApiUnavailable:
        dispatcher.utter_message(response="utter_ticket_failed")
        return [SlotSet("pending_offer", None)]
    # The API words the deadline ("7个工作日内（3月23日前）") as on every other channel.
    within = ticket.get("respond_within") or f"{when_zh(ticket.get('respond_by'))}前"
    dispatcher.utter_message(response="utter_ticket_created", number=ticket.get("number", ""), respond_within=within)
    return [SlotSet("pending_offer", None), SlotSet("handoff_issue", None)]


def when_zh(value: Any) -> str:
    """ "2026-03-10T17:00:00+08:00" → "3月10日17:00"."""
    try:
        moment = datetime.fromisoformat(str(value)).astimezone(CHINA_TZ)
    except ValueError:
        return str(value or "规定时限")
    return f"{moment.month}月{moment.day}日{moment:%H:%M}"


def category_of(tracker: Tracker, intent: str) -> str:
    """The ticket's category; a complaint made before "人工" (or as the issue asked for) stays a complaint,
    with a complaint's longer limit, not a request for help's."""
    category = CATEGORY_BY_INTENT.get(intent, "help")
    if category != "help":
        return category
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_handoff":
            break
        if event.get("event") == "user" and _intent(event) == "complain":
            return "complaint"
    return "complaint" if "投诉" in last_claimant_text(tracker) else category


class ActionHandoffCheck(Action):
    """Before a ticket for "人工": does the claimant's request say what it is about?"""

    def name(self) -> str:
        return "action_handoff_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        return [SlotSet("handoff_issue_given", issue_given(tracker)), SlotSet("handoff_issue", None)]


class ActionHandoff(Action):
    """Asked for a person, complained or disputed a decision."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name") or "request_human"
        # The issue just asked for (handoff_form): whatever it was classified as, it answers "人工".
        via_form = bool(tracker.get_slot("handoff_issue"))
        if via_form and intent not in ("complain", "dispute_decision"):
            intent = "request_human"
        category = category_of(tracker, intent)
        if intent in INTRO_BY_INTENT and not via_form:
            dispatcher.utter_message(response=INTRO_BY_INTENT[intent])
        return await create_ticket(dispatcher, tracker, category=category)
