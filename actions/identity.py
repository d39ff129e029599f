"""Identity before anything about a claim: bound sender, or ID number plus SMS code.

The identity API (api/identity) decides: a bound WeChat account or the registered
mobile on SMS is verified at once; otherwise it sends a one-time code to the
registered mobile, counts wrong attempts and lets codes expire. The bot only asks,
relays and explains. Nothing about a claim is read before `identity_verified`.

The bot never sees an ID number or a code: the conversation gateway replaced them
with handles ("idref_…", "coderef_…", api/identity/handles.py) that only this
sender can use, and the API resolves them. A number in clear (a message that did
not pass through the gateway, e.g. `rasa shell`) is still relayed as such, and the
tracker keeps only its mask.
"""

from __future__ import annotations

import math
import re
from abc import abstractmethod
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api_client import ApiError, ApiUnavailable, call
from actions.clock import CHINA_TZ
from actions.text import find_code, find_id_number

ID_HANDLE = re.compile(r"idref_[a-z]{12}")
CODE_HANDLE = re.compile(r"coderef_[a-z]{12}")

MAX_ID_ATTEMPTS = 3
IDENTITY_SLOTS = ("id_number", "sms_code")
RESEND_WORDS = ("重发", "重新发", "没收到", "没有收到", "收不到", "再发")


def fresh_flow_slots() -> list[dict[str, Any]]:
    """Slots a claim flow starts from (a new check-in never reuses last month's answers)."""
    names = (
        "id_number",
        "sms_code",
        "challenge_id",
        "phone_masked",
        "identity_failure",
        "stop_any",
        "stop_details",
        "pending_offer",
        "checkin_open",
    )
    return [SlotSet(name, None) for name in names] + [SlotSet("id_attempts", 0.0)]


def declined(tracker: Tracker) -> bool:
    """The claimant said no ("不用了", "不办了") instead of giving a number."""
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    return intent in ("deny", "stop")


def verified(tracker: Tracker) -> bool:
    return bool(tracker.get_slot("identity_verified")) and bool(tracker.get_slot("claim_id"))


class ActionIdentityStatus(Action):
    """Start of a claim flow: is this sender already verified (bound WeChat, own mobile, recent code)?"""

    def name(self) -> str:
        return "action_identity_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        events = fresh_flow_slots()
        try:
            status = await call(
                "GET", f"/v1/identity/senders/{quote(tracker.sender_id, safe='')}", sender=tracker.sender_id
            )
        except (ApiUnavailable, ApiError):
            status = {"verified": False}
        if status.get("verified") and status.get("claim_id"):
            dispatcher.utter_message(response="utter_identity_already")
            return [*events, SlotSet("identity_verified", True), SlotSet("claim_id", str(status["claim_id"]))]
        return [*events, SlotSet("identity_verified", False), SlotSet("claim_id", None)]


def _verified_events(answer: dict[str, Any], dispatcher: CollectingDispatcher) -> dict[str, Any]:
    dispatcher.utter_message(response="utter_identity_ok")
    return {"identity_verified": True, "claim_id": str(answer["claim_id"]), "sms_code": "ok", "identity_failure": None}


class IdentityFormValidation(FormValidationAction):
    """Validation of the identity slots, shared by the check-in, explain and back-pay forms."""

    @abstractmethod
    def name(self) -> str:
        """Each form's validation action names itself (abstract: not registered on its own)."""

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("identity_verified") or tracker.get_slot("identity_failure"):
            return [s for s in domain_slots if s not in IDENTITY_SLOTS]
        return list(domain_slots)

    async def validate_id_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:  # a reset by action_identity_status, not an answer
            return {"id_number": None}
        text = str(value)
        handle = ID_HANDLE.search(text)
        id_number = None if handle else find_id_number(text)
        attempts = int(tracker.get_slot("id_attempts") or 0) + 1
        if handle is None and id_number is None and declined(tracker):
            return self._cancel(dispatcher, "id_number")
        if handle is None and id_number is None and any(word in text for word in RESEND_WORDS):
            # "重发" while the ID number is asked (after a lockout or an expired code): not a wrong number.
            dispatcher.utter_message(response="utter_resend_needs_id")
            return {"id_number": None}
        if handle is None and id_number is None:
            return self._id_retry(dispatcher, attempts, "utter_id_number_invalid")
        asked = {"id_handle": handle.group()} if handle else {"id_number": id_number}
        # The slot keeps the handle (it means nothing to anyone else) or a mask, never the number.
        kept = handle.group() if handle else f"{(id_number or '')[:4]}**********{(id_number or '')[-4:]}"
        try:
            answer = await call(
                "POST", "/v1/identity/challenges", json={"sender": tracker.sender_id, **asked}, sender=tracker.sender_id
            )
        except ApiUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return {"id_number": None, "identity_failure": "unavailable", "requested_slot": None}
        except ApiError as exc:
            if exc.status in (403, 422):  # malformed, wrong check digit, an expired or foreign handle
                dispatcher.utter_message(text=exc.message)
                return self._id_retry(dispatcher, attempts, None)
            if exc.status == 429:
                until = str(exc.details.get("retry_at") or "")
                say_locked(dispatcher, until)
                return {"id_number": None, "identity_failure": "locked", "requested_slot": None, "locked_until": until}
            # 404 (from an older API: no claim for this number). The form ends; the flow's own
            # action says what can be done (for "why refused": the remedies), worded neutrally.
            return {"id_number": None, "identity_failure": "not_found", "requested_slot": None}
        if answer.get("verified"):
            return {"id_number": kept, **_verified_events(answer, dispatcher)}
        # The same words whether the number has a claim or not: the API does not tell either.
        dispatcher.utter_message(response="utter_code_sent")
        return {
            "id_number": kept,
            "challenge_id": answer["challenge_id"],
            "phone_masked": answer.get("phone_masked"),
            "id_attempts": float(attempts),
        }

    @staticmethod
    def _cancel(dispatcher: CollectingDispatcher, slot: str) -> dict[str, Any]:
        dispatcher.utter_message(response="utter_cancelled")
        return {slot: None, "identity_failure": "cancelled", "requested_slot": None}

    @staticmethod
    def _id_retry(
        dispatcher: CollectingDispatcher, attempts: int, response: str | None, failure: str = "id_invalid"
    ) -> dict[str, Any]:
        if attempts >= MAX_ID_ATTEMPTS:
            dispatcher.utter_message(response="utter_identity_failed")
            return {
                "id_number": None,
                "id_attempts": float(attempts),
                "identity_failure": failure,
                "requested_slot": None,
            }
        if response:
            dispatcher.utter_message(response=response)
        return {"id_number": None, "id_attempts": float(attempts)}

    async def validate_sms_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"sms_code": None}
        text = str(value)
        challenge_id = tracker.get_slot("challenge_id")
        if not challenge_id:  # no code was sent: ask for the ID number again
            return {"sms_code": None, "id_number": None}
        if any(word in text for word in RESEND_WORDS):
            return self._resend(dispatcher, tracker, expired=False)
        handle = CODE_HANDLE.search(text)
        code = None if handle else find_code(text)
        if handle is None and code is None and declined(tracker):
            return self._cancel(dispatcher, "sms_code")
        if handle is None and code is None:
            dispatcher.utter_message(response="utter_code_invalid")
            return {"sms_code": None}
        given = {"code_handle": handle.group()} if handle else {"code": code}
        try:
            path = f"/v1/identity/challenges/{quote(challenge_id, safe='')}/verify"
            answer = await call("POST", path, json=given, sender=tracker.sender_id)
        except ApiUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return {"sms_code": None, "identity_failure": "unavailable", "requested_slot": None}
        except ApiError as exc:
            if exc.status in (403, 422):
                dispatcher.utter_message(text=exc.message)  # "验证码不正确，还可以再试N次。"
                return {"sms_code": None}
            if exc.status == 410:
                return self._resend(dispatcher, tracker, expired=True)
            if exc.status == 429 and exc.code == "otp_locked":
                # This code is dead, but a new one may be asked now (the API's quotas decide): the form
                # goes on and asks for the ID number again, so "重发" is understood.
                dispatcher.utter_message(text=exc.message)
                return {"sms_code": None, "challenge_id": None, "id_number": None}
            dispatcher.utter_message(response="utter_identity_locked")  # 429 and anything else
            return {"sms_code": None, "challenge_id": None, "identity_failure": "locked", "requested_slot": None}
        return _verified_events(answer, dispatcher)

    def _resend(self, dispatcher: CollectingDispatcher, tracker: Tracker, *, expired: bool) -> dict[str, Any]:
        """A new code needs the ID number again (the tracker keeps only its mask)."""
        dispatcher.utter_message(response="utter_code_expired" if expired else "utter_resend_code")
        return {"sms_code": None, "challenge_id": None, "id_number": None}


def minutes_until(until: str, now: datetime | None = None) -> tuple[int, str] | None:
    """(whole minutes left, "HH:MM" in Beijing time) of an ISO time still ahead; None if past or unreadable."""
    try:
        at = datetime.fromisoformat(until)
    except ValueError:
        return None
    if at.tzinfo is None:
        return None
    left = (at - (now or datetime.now(UTC))).total_seconds()
    if left <= 0:
        return None
    return math.ceil(left / 60), at.astimezone(CHINA_TZ).strftime("%H:%M")


def say_locked(dispatcher: CollectingDispatcher, until: str) -> None:
    """The lockout, with how long it lasts when the API said (its retry_at)."""
    left = minutes_until(until) if until else None
    if left is None:
        dispatcher.utter_message(response="utter_identity_locked")
    else:
        dispatcher.utter_message(response="utter_identity_locked_wait", minutes=left[0], clock=left[1])


class ActionResendCode(Action):
    """ "重发" outside a flow: after a lockout, how long is left; otherwise what a code is for."""

    def name(self) -> str:
        return "action_resend_code"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        until = str(tracker.get_slot("locked_until") or "")
        if until and minutes_until(until) is not None:
            say_locked(dispatcher, until)
            return []
        dispatcher.utter_message(response="utter_resend_outside_flow")
        return [SlotSet("locked_until", None)] if until else []


class ValidateExplainForm(IdentityFormValidation):
    def name(self) -> str:
        return "validate_explain_form"


class ValidateBackpayForm(IdentityFormValidation):
    def name(self) -> str:
        return "validate_backpay_form"
