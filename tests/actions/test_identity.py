"""Identity before anything about a claim: bound sender, ID number + SMS code, limits explained."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.checkin import ActionSubmitCheckin
from actions.claims import ActionBackpayOptions, ActionExplainClaim
from actions.clock import CHINA_TZ
from actions.identity import ActionIdentityStatus, ActionResendCode, ValidateExplainForm, minutes_until
from actions.offers import ActionAffirm
from tests.actions.conftest import FakeApi, load_tracker, responses, run, slots, texts

ID = "120101197102110018"
ID_HANDLE = "idref_kenwbctdmubs"  # what the gateway puts in place of an ID number
CODE_HANDLE = "coderef_xctukkymvruq"
CODE_SENT = "如果该身份证号有申领记录，验证码已发送到预留手机，5分钟内有效。"
CHALLENGE = {
    "challenge_id": "ch_1",
    "phone_masked": None,
    "expires_at": "2026-03-10T10:05:00+08:00",
    "verified": False,
    "message": "如果该身份证号有申领记录，验证码已发送到预留手机，5分钟内有效。",
}


def validate_id(text: str, dispatcher, domain, **slot_values):
    intent = "deny" if text.startswith("不") else "give_id"
    tracker = load_tracker("checkin_code_requested", text=text, intent=intent, slots=slot_values)
    return run(ValidateExplainForm().validate_id_number(text, dispatcher, tracker, domain))


def validate_code(text: str, dispatcher, domain, **slot_values):
    intent = "deny" if text.startswith("不") else "give_code"
    tracker = load_tracker("checkin_code_requested", text=text, intent=intent, slots=slot_values)
    return run(ValidateExplainForm().validate_sms_code(text, dispatcher, tracker, domain))


def test_bound_sender_is_verified_at_once(api: FakeApi, dispatcher, domain) -> None:
    api.on("GET", "/v1/identity/senders/.*", 200, {"verified": True, "claim_id": 7, "verified_until": None})
    events = run(ActionIdentityStatus().run(dispatcher, load_tracker("explain_requested"), domain))
    assert slots(events)["identity_verified"] is True and slots(events)["claim_id"] == "7"
    assert api.requests[0].path == "/v1/identity/senders/web%3Atest-sender"
    assert responses(dispatcher) == ["utter_identity_already"]


def test_unbound_sender_starts_from_fresh_slots(api: FakeApi, dispatcher, domain) -> None:
    api.on("GET", "/v1/identity/senders/.*", 200, {"verified": False, "claim_id": None, "verified_until": None})
    tracker = load_tracker("explain_requested", slots={"claim_id": "9", "stop_any": True, "challenge_id": "old"})
    events = slots(run(ActionIdentityStatus().run(dispatcher, tracker, domain)))
    assert events["identity_verified"] is False and events["claim_id"] is None
    assert events["stop_any"] is None and events["challenge_id"] is None and events["id_attempts"] == 0.0
    assert dispatcher.messages == []


def test_identity_service_down_means_not_verified(monkeypatch, dispatcher, domain) -> None:
    monkeypatch.setenv("API_URL", "http://127.0.0.1:9")
    events = slots(run(ActionIdentityStatus().run(dispatcher, load_tracker("explain_requested"), domain)))
    assert events["identity_verified"] is False


def test_id_handle_is_relayed_and_the_same_words_whether_or_not_there_is_a_claim(
    api: FakeApi, dispatcher, domain
) -> None:
    api.on("POST", "/v1/identity/challenges", 201, CHALLENGE)
    result = validate_id(f"我的身份证是{ID_HANDLE}", dispatcher, domain)
    assert api.sent("POST", "/v1/identity/challenges")[0].body == {"sender": "web:test-sender", "id_handle": ID_HANDLE}
    assert result["id_number"] == ID_HANDLE and result["challenge_id"] == "ch_1"
    assert texts(dispatcher, domain) == [CODE_SENT]


def test_id_number_in_clear_is_still_relayed_and_only_its_mask_kept(api: FakeApi, dispatcher, domain) -> None:
    # A message that did not pass through the gateway (rasa shell): relayed, never kept.
    api.on("POST", "/v1/identity/challenges", 201, CHALLENGE)
    result = validate_id(f"我的身份证是{ID}", dispatcher, domain)
    assert api.sent("POST", "/v1/identity/challenges")[0].body == {"sender": "web:test-sender", "id_number": ID}
    assert result["id_number"] == "1201**********0018" and ID not in str(result)


def test_a_masked_id_number_is_asked_again(api: FakeApi, dispatcher, domain) -> None:
    # The gateway masks an ID-shaped number that fails the check digit: nothing to relay.
    result = validate_id("1201**********0019", dispatcher, domain, id_attempts=0.0)
    assert result == {"id_number": None, "id_attempts": 1.0}
    assert responses(dispatcher) == ["utter_id_number_invalid"] and api.requests == []


@pytest.mark.parametrize("status", [403, 422])
def test_a_refused_or_expired_handle_is_explained_and_asked_again(api: FakeApi, dispatcher, domain, status) -> None:
    api.on(
        "POST",
        "/v1/identity/challenges",
        status,
        {"error": {"code": "handle", "message": "这条信息已过期，请重新输入。"}},
    )
    result = validate_id(ID_HANDLE, dispatcher, domain, id_attempts=0.0)
    assert result == {"id_number": None, "id_attempts": 1.0}
    assert texts(dispatcher, domain) == ["这条信息已过期，请重新输入。"]


def test_registered_mobile_or_bound_wechat_needs_no_code(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/identity/challenges", 200, {"verified": True, "claim_id": 3, "verified_until": "…"})
    result = validate_id(ID, dispatcher, domain)
    assert result["identity_verified"] is True and result["claim_id"] == "3" and result["sms_code"] == "ok"
    assert responses(dispatcher) == ["utter_identity_ok"]


def test_malformed_id_number_is_asked_again_then_given_up(api: FakeApi, dispatcher, domain) -> None:
    first = validate_id("12345", dispatcher, domain, id_attempts=0.0)
    assert first == {"id_number": None, "id_attempts": 1.0}
    third = validate_id("12345", dispatcher, domain, id_attempts=2.0)
    assert third["identity_failure"] == "id_invalid" and third["requested_slot"] is None
    assert responses(dispatcher) == ["utter_id_number_invalid", "utter_identity_failed"]
    assert api.requests == []  # nothing sent for a malformed number


def test_wrong_check_digit_is_explained_by_the_api(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "POST",
        "/v1/identity/challenges",
        422,
        {"error": {"code": "validation_failed", "message": "身份证号码校验位不正确，请核对后重新填写"}},
    )
    result = validate_id("120101197102110019", dispatcher, domain)
    assert result["id_number"] is None
    assert texts(dispatcher, domain) == ["身份证号码校验位不正确，请核对后重新填写"]


@pytest.mark.parametrize(("validate", "slot"), [(validate_id, "id_number"), (validate_code, "sms_code")])
def test_no_thanks_instead_of_a_number_leaves_the_form(api: FakeApi, dispatcher, domain, validate, slot) -> None:
    tracker_text = "不用了"
    result = validate(tracker_text, dispatcher, domain, challenge_id="ch_1")
    assert result == {slot: None, "identity_failure": "cancelled", "requested_slot": None}
    assert responses(dispatcher) == ["utter_cancelled"] and api.requests == []


def test_unknown_id_number_is_answered_neutrally(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/identity/challenges", 404, {"error": {"code": "not_found", "message": "没有对应的申领记录"}})
    result = validate_id(ID, dispatcher, domain, id_attempts=0.0)  # at the first attempt
    assert result["identity_failure"] == "not_found" and result["requested_slot"] is None
    assert "申领记录" not in "".join(texts(dispatcher, domain))


def test_wrong_code_says_how_many_tries_are_left(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "POST",
        "/v1/identity/challenges/ch_1/verify",
        422,
        {"error": {"code": "otp_wrong", "message": "验证码不正确，还可以再试4次。", "attempts_left": 4}},
    )
    result = validate_code("123456", dispatcher, domain, challenge_id="ch_1")
    assert result == {"sms_code": None}
    assert texts(dispatcher, domain) == ["验证码不正确，还可以再试4次。"]
    assert api.sent("POST", "/v1/identity/challenges/ch_1/verify")[0].body == {"code": "123456"}


def test_too_many_wrong_codes_kill_the_code_and_a_new_one_may_be_asked(api: FakeApi, dispatcher, domain) -> None:
    message = "验证码输错次数过多，本次验证已失效，请重新获取验证码。"
    api.on(
        "POST",
        "/v1/identity/challenges/ch_1/verify",
        429,
        {"error": {"code": "otp_locked", "message": message, "attempts_left": 0}},
    )
    result = validate_code("654321", dispatcher, domain, challenge_id="ch_1")
    # The form goes on and asks for the ID number again (a new code), so "重发" is understood.
    assert result == {"sms_code": None, "challenge_id": None, "id_number": None}
    assert texts(dispatcher, domain) == [message]


def test_any_other_refusal_of_a_code_ends_the_verification(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/identity/challenges/ch_1/verify", 409, {"error": {"code": "conflict", "message": "…"}})
    result = validate_code("654321", dispatcher, domain, challenge_id="ch_1")
    assert result["identity_failure"] == "locked" and result["requested_slot"] is None
    assert responses(dispatcher) == ["utter_identity_locked"]


def test_resend_while_the_id_number_is_asked_is_not_a_wrong_number(api: FakeApi, dispatcher, domain) -> None:
    result = validate_id("重发", dispatcher, domain, id_attempts=1.0)
    assert result == {"id_number": None}  # no attempt counted
    assert responses(dispatcher) == ["utter_resend_needs_id"] and api.requests == []


def test_too_many_codes_asked_says_how_long(api: FakeApi, dispatcher, domain) -> None:
    until = (datetime.now(UTC) + timedelta(minutes=34, seconds=30)).astimezone(CHINA_TZ)
    error = {
        "code": "otp_rate_limited",
        "message": "验证码获取次数过多…",
        "retry_after_seconds": 2070,
        "retry_at": until.isoformat(timespec="seconds"),
    }
    api.on("POST", "/v1/identity/challenges", 429, {"error": error})
    result = validate_id(ID_HANDLE, dispatcher, domain)
    assert result["identity_failure"] == "locked" and result["requested_slot"] is None
    assert result["locked_until"] == until.isoformat(timespec="seconds")
    [said] = texts(dispatcher, domain)
    assert said.startswith(f"验证码获取次数过多，为保护您的账户已暂停发送，请在35分钟后（{until:%H:%M}以后）再试。")


def test_resend_after_a_lockout_says_how_long_is_left_not_a_region(dispatcher, domain) -> None:
    until = (datetime.now(UTC) + timedelta(minutes=9, seconds=10)).astimezone(CHINA_TZ)
    tracker = load_tracker(
        "checkin_code_requested", text="重发", intent="resend_code", slots={"locked_until": until.isoformat()}
    )
    assert run(ActionResendCode().run(dispatcher, tracker, domain)) == []
    [said] = texts(dispatcher, domain)
    assert f"请在10分钟后（{until:%H:%M}以后）再试" in said and "地区" not in said


def test_resend_without_a_lockout_says_what_a_code_is_for(dispatcher, domain) -> None:
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    tracker = load_tracker("checkin_code_requested", text="重发", intent="resend_code", slots={"locked_until": past})
    assert slots(run(ActionResendCode().run(dispatcher, tracker, domain))) == {"locked_until": None}
    assert responses(dispatcher) == ["utter_resend_outside_flow"]


def test_minutes_until_reads_only_times_ahead() -> None:
    now = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
    assert minutes_until("2026-12-03T14:20:00+08:00", now) == (20, "14:20")
    assert minutes_until("2026-12-03T13:59:00+08:00", now) is None
    assert minutes_until("2026-12-03T14:20:00", now) is None  # no offset: not trusted
    assert minutes_until("soon", now) is None


def test_expired_code_starts_over(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/identity/challenges/ch_1/verify", 410, {"error": {"code": "otp_expired", "message": "已过期"}})
    result = validate_code("654321", dispatcher, domain, challenge_id="ch_1")
    assert result == {"sms_code": None, "challenge_id": None, "id_number": None}
    assert responses(dispatcher) == ["utter_code_expired"]


@pytest.mark.parametrize("text", ["没收到", "重发一下"])
def test_resend_asks_for_the_id_number_again(api: FakeApi, dispatcher, domain, text: str) -> None:
    result = validate_code(text, dispatcher, domain, challenge_id="ch_1")
    assert result["id_number"] is None and result["challenge_id"] is None
    assert api.requests == []


def test_text_without_a_code_is_asked_again(api: FakeApi, dispatcher, domain) -> None:
    assert validate_code("我不知道", dispatcher, domain, challenge_id="ch_1") == {"sms_code": None}
    assert responses(dispatcher) == ["utter_code_invalid"]


def test_right_code_verifies(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/identity/challenges/ch_1/verify", 200, {"verified": True, "claim_id": 3, "verified_until": "…"})
    result = validate_code("验证码 482913", dispatcher, domain, challenge_id="ch_1")
    assert result["identity_verified"] is True and result["claim_id"] == "3"


def test_code_handle_is_relayed(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/identity/challenges/ch_1/verify", 200, {"verified": True, "claim_id": 3, "verified_until": "…"})
    result = validate_code(f"验证码 {CODE_HANDLE}", dispatcher, domain, challenge_id="ch_1")
    assert result["identity_verified"] is True
    assert api.sent("POST", "/v1/identity/challenges/ch_1/verify")[0].body == {"code_handle": CODE_HANDLE}


def test_form_asks_only_what_is_missing(dispatcher, domain) -> None:
    form = ValidateExplainForm()
    slots_of_form = ["id_number", "sms_code"]

    async def required(**slot_values):
        tracker = load_tracker("checkin_code_requested", slots=slot_values)
        return await form.required_slots(slots_of_form, dispatcher, tracker, domain)

    import asyncio

    assert asyncio.run(required(identity_verified=False)) == slots_of_form
    assert asyncio.run(required(identity_verified=True)) == []
    assert asyncio.run(required(identity_verified=False, identity_failure="locked")) == []


@pytest.mark.parametrize("action", [ActionExplainClaim(), ActionBackpayOptions(), ActionSubmitCheckin()])
def test_nothing_about_a_claim_before_verification(api: FakeApi, dispatcher, domain, action) -> None:
    # A claim id in the slots but no verification (e.g. carried over): no claims call at all.
    tracker = load_tracker("explain_requested", slots={"identity_verified": False, "claim_id": "3"})
    run(action.run(dispatcher, tracker, domain))
    assert api.sent("GET", "/v1/claims/.*") == [] and api.sent("POST", "/v1/claims/.*") == []
    assert responses(dispatcher) == ["utter_identity_failed"]


def test_yes_to_back_pay_needs_verification_too(api: FakeApi, dispatcher, domain) -> None:
    tracker = load_tracker(
        "explain_requested", slots={"identity_verified": False, "claim_id": "3", "pending_offer": "backpay_request"}
    )
    run(ActionAffirm().run(dispatcher, tracker, domain))
    assert api.requests == []


def test_a_new_session_forgets_identity_but_keeps_the_region(domain) -> None:
    from actions.session import ActionSessionStart

    tracker = load_tracker(
        "checkin_stop_details", slots={"region": "天津", "pending_offer": "backpay_request", "region_asked": True}
    )
    events = run(ActionSessionStart().run(CollectingDispatcher(), tracker, domain))
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"
    assert slots(events) == {"session_started_metadata": {"channel": "web"}, "region": "天津", "region_asked": True}
