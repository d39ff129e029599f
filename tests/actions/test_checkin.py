"""The monthly check-in: compact stop questions, the claims service's result rendered with citations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.checkin import ActionSubmitCheckin, ValidateCheckinForm, current_month, parse_stop_events
from tests.actions.conftest import FakeApi, load_tracker, responses, run, slots, texts

CITE = [{"document": "天津市人社局失业保险经办通知", "clause": "一（二）", "quote": "…"}]
NO_STOP = {
    "reemployed": False,
    "business_registered": False,
    "receiving_pension": False,
    "enlisted": False,
    "emigrated": False,
    "refused_job_offer": False,
}


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("1", ["reemployed"]),
        ("1 3", ["reemployed", "receiving_pension"]),
        ("我找到工作了", ["reemployed"]),
        ("办了营业执照", ["business_registered"]),
        ("下个月去当兵", ["enlisted"]),
        ("没有", []),
        ("12", []),  # not a single option number
    ],
)
def test_stop_events_by_number_or_words(text: str, events: list[str]) -> None:
    assert parse_stop_events(text) == events


def test_check_in_month_is_chinas_month() -> None:
    assert current_month(datetime(2026, 3, 31, 17, 0, tzinfo=UTC)) == "2026-04"
    assert current_month(datetime(2026, 3, 31, 15, 0, tzinfo=UTC)) == "2026-03"


def _validate_stop_any(text: str, dispatcher, domain, intent: str = "deny"):
    tracker = load_tracker("checkin_stop_details", text=text, intent=intent)
    return run(ValidateCheckinForm().validate_stop_any(text, dispatcher, tracker, domain))


def test_no_stop_event_finishes_the_questions(dispatcher, domain) -> None:
    assert _validate_stop_any("都没有", dispatcher, domain) == {"stop_any": False, "stop_details": ""}


def test_yes_asks_which_one(dispatcher, domain) -> None:
    assert _validate_stop_any("有", dispatcher, domain, intent="affirm") == {"stop_any": True, "stop_details": None}


def test_details_given_with_the_yes_are_kept(dispatcher, domain) -> None:
    result = _validate_stop_any("有，我上个月找到工作了", dispatcher, domain, intent="report_new_job")
    assert result == {"stop_any": True, "stop_details": "reemployed"}


def test_unclear_answer_is_asked_again(dispatcher, domain) -> None:
    assert _validate_stop_any("啥意思", dispatcher, domain, intent="nlu_fallback") == {"stop_any": None}
    assert responses(dispatcher) == ["utter_stop_any_invalid"]


def test_details_question_is_skipped_without_a_yes(dispatcher, domain) -> None:
    import asyncio

    form = ValidateCheckinForm()
    every = ["id_number", "sms_code", "stop_any", "stop_details"]
    verified = load_tracker(
        "checkin_stop_details", slots={"identity_verified": True, "stop_any": False, "checkin_open": True}
    )
    assert asyncio.run(form.required_slots(every, dispatcher, verified, domain)) == ["stop_any"]
    yes = load_tracker(
        "checkin_stop_details", slots={"identity_verified": True, "stop_any": True, "checkin_open": True}
    )
    assert asyncio.run(form.required_slots(every, dispatcher, yes, domain)) == ["stop_any", "stop_details"]
    new = load_tracker("checkin_stop_details", slots={"identity_verified": False, "stop_any": None})
    assert asyncio.run(form.required_slots(every, dispatcher, new, domain)) == ["id_number", "sms_code", "stop_any"]


def test_stop_event_is_reported_and_its_consequence_shown(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "POST",
        "/v1/claims/9/checkins",
        201,
        {
            "status": "stop_reported",
            "claim_id": 9,
            "month": "2026-11",
            "window": None,
            "effects": [],
            "stop": {
                "events": ["reemployed"],
                "message": "您报告的情况（重新就业）属于停发情形，失业保险金自2026年11月起停发。",
                "citations": [{"document": "社会保险法", "clause": "第五十一条", "quote": "…"}],
            },
            "citations": [],
        },
    )
    api.on("GET", "/v1/claims/9/backpay", 200, {"applicable": False, "message": "…", "citations": []})
    tracker = load_tracker("checkin_stop_details", slots={"stop_any": True, "stop_details": "reemployed"})
    events = run(ActionSubmitCheckin().run(dispatcher, tracker, domain))

    [sent] = api.sent("POST", "/v1/claims/9/checkins")
    assert sent.body["answers"] == {**NO_STOP, "reemployed": True}
    assert sent.body["channel"] == "web" and "at" not in sent.body  # the server's clock applies
    assert sent.body["month"] == current_month()
    [reply] = texts(dispatcher, domain)
    assert reply.startswith("已记录您2026年11月的申报。\n您报告的情况")
    assert reply.endswith("（依据：社会保险法 第五十一条）")
    assert slots(events) == {"stop_any": None, "stop_details": None}
    assert api.sent("GET", "/v1/claims/9/backpay") == []  # no back-pay offer after a stop


def test_accepted_check_in_offers_back_pay_when_there_is_some(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "POST",
        "/v1/claims/9/checkins",
        201,
        {
            "status": "accepted",
            "claim_id": 9,
            "month": "2026-11",
            "window": {"start": "2026-11-05", "end": "2026-11-25"},
            "effects": [
                {
                    "code": "MONTH_CLAIMED",
                    "message": "已办理2026年11月按月申领，当月失业保险金按规定发放。",
                    "citations": CITE,
                }
            ],
            "stop": None,
            "citations": CITE,
        },
    )
    api.on(
        "GET",
        "/v1/claims/9/backpay",
        200,
        {
            "applicable": True,
            "eligible_months": ["2026-09"],
            "expired": False,
            "message": "可在2027年7月31日前申请补发2026年9月的失业保险金，最多3个月。",
            "citations": CITE,
        },
    )
    events = run(
        ActionSubmitCheckin().run(
            dispatcher, load_tracker("checkin_stop_details", slots={"stop_any": False, "stop_details": ""}), domain
        )
    )
    said = texts(dispatcher, domain)
    assert (
        said[0] == "已办理2026年11月按月申领，当月失业保险金按规定发放。（依据：天津市人社局失业保险经办通知 一（二））"
    )
    assert said[1].startswith("可在2027年7月31日前申请补发")
    assert responses(dispatcher) == ["utter_offer_backpay"]
    assert api.sent("POST", "/v1/claims/9/checkins")[0].body["answers"] == NO_STOP
    assert slots(events)["pending_offer"] == "backpay_request"


def test_duplicate_and_outside_window_are_explained(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "POST",
        "/v1/claims/9/checkins",
        200,
        {
            "status": "outside_window",
            "claim_id": 9,
            "month": "2026-11",
            "effects": [],
            "stop": None,
            "window": {"start": "2026-11-05", "end": "2026-11-25"},
            "citations": CITE,
        },
    )
    api.on("GET", "/v1/claims/9/backpay", 200, {"applicable": False, "message": "…", "citations": []})
    run(ActionSubmitCheckin().run(dispatcher, load_tracker("checkin_stop_details", slots={"stop_any": False}), domain))
    assert texts(dispatcher, domain) == [
        "现在不在2026年11月的办理时间内（2026-11-05至2026-11-25）。（依据：天津市人社局失业保险经办通知 一（二））"
    ]


def test_claims_service_down(monkeypatch, dispatcher, domain) -> None:
    monkeypatch.setenv("API_URL", "http://127.0.0.1:9")
    run(ActionSubmitCheckin().run(dispatcher, load_tracker("checkin_stop_details"), domain))
    assert responses(dispatcher) == ["utter_checkin_failed"]


def test_a_statement_classified_as_a_question_is_still_an_answer(api: FakeApi, dispatcher, domain) -> None:
    tracker = load_tracker("checkin_stop_details", text="我开了个小店，办了营业执照", intent="ask_policy")
    result = run(ValidateCheckinForm().validate_stop_details("我开了个小店，办了营业执照", dispatcher, tracker, domain))
    assert result == {"stop_details": "business_registered"}
    assert api.requests == []


def test_a_question_instead_of_an_answer_is_answered_and_asked_again(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "POST",
        "/v1/answers",
        200,
        {
            "reply": "重新就业的停止领取。（依据：社会保险法 第五十一条）",
            "abstained": False,
            "topic": "stop_events",
            "region": {"code": "CN", "matched": None},
        },
    )
    text = "找到工作了还能领失业金吗？"
    tracker = load_tracker("checkin_stop_details", text=text, intent="ask_policy", slots={"region_asked": None})
    result = run(ValidateCheckinForm().validate_stop_any(text, dispatcher, tracker, domain))
    assert result == {"stop_any": None}  # nothing recorded from a question
    assert texts(dispatcher, domain) == ["重新就业的停止领取。（依据：社会保险法 第五十一条）"]  # no region prompt here


def test_check_in_with_an_unknown_id_number_says_so_neutrally(api: FakeApi, dispatcher, domain) -> None:
    tracker = load_tracker("checkin_stop_details", slots={"identity_verified": False, "identity_failure": "not_found"})
    run(ActionSubmitCheckin().run(dispatcher, tracker, domain))
    assert responses(dispatcher) == ["utter_id_not_verified"] and api.requests == []


CQ = [{"document": "渝人社办〔2025〕112号", "clause": "一（四）", "quote": "…"}]


def test_a_check_in_while_suspended_says_the_situation_then_the_resumption(api: FakeApi, dispatcher, domain) -> None:
    effects = [
        ("QUALIFICATION_CHECKED", "已完成2026年12月资格核验。"),
        ("PAYMENT_SUSPENDED", "您的失业保险金发放到2026年10月；因连续2个月未进行资格核验，自2026年11月起暂停发放。"),
        ("PAYMENT_RESUMES", "符合发放条件的，从2027年1月起恢复发放。"),
    ]
    api.on(
        "POST",
        "/v1/claims/9/checkins",
        201,
        {
            "status": "accepted",
            "month": "2026-12",
            "window": {"start": "2026-12-01", "end": "2026-12-31"},
            "effects": [{"code": c, "message": m, "citations": CQ} for c, m in effects],
            "citations": CQ,
        },
    )
    api.on("GET", "/v1/claims/9/backpay", 200, {"applicable": False, "message": "…", "citations": CQ})
    tracker = load_tracker("checkin_stop_details", slots={"stop_any": False, "stop_details": ""})
    run(ActionSubmitCheckin().run(dispatcher, tracker, domain))
    # The service's order kept, one line each, the citation once at the very end.
    assert texts(dispatcher, domain) == ["\n".join(m for _, m in effects) + "（依据：渝人社办〔2025〕112号 一（四））"]


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        ("duplicate", "ALREADY_CHECKED_IN", "2026年11月已于2026年11月6日办理，无需重复办理。"),
        ("outside_window", "OUTSIDE_WINDOW", "2026年11月的按月申领办理时间为2026年11月5日至25日，本次未登记。"),
    ],
)
def test_the_services_explanation_is_said_once(api: FakeApi, dispatcher, domain, status, code, message) -> None:
    api.on(
        "POST",
        "/v1/claims/9/checkins",
        200,
        {
            "status": status,
            "month": "2026-11",
            "window": {"start": "2026-11-05", "end": "2026-11-25"},
            "effects": [{"code": code, "message": message, "citations": CITE}],
            "citations": CITE,
        },
    )
    api.on("GET", "/v1/claims/9/backpay", 200, {"applicable": False, "message": "…", "citations": []})
    run(ActionSubmitCheckin().run(dispatcher, load_tracker("checkin_stop_details", slots={"stop_any": False}), domain))
    # Not the domain's line as well ("已经办理过了" / "现在不在…办理时间内"): the same fact twice.
    assert texts(dispatcher, domain) == [message + "（依据：天津市人社局失业保险经办通知 一（二））"]


def _status(month: str, *, checked: bool, duty: str = "qualification_check") -> dict:
    following = "2027-01" if month == "2026-12" else f"{month[:5]}{int(month[5:]) + 1:02d}"
    return {
        "duty": duty,
        "ledger": [{"month": month, "state": "paid", "checked_in": checked}],
        "next_checkin": {"month": following, "start": f"{following}-01", "end": f"{following}-28"},
    }


def test_a_month_already_done_is_said_once_before_any_question(api: FakeApi, dispatcher, domain) -> None:
    import asyncio

    month = current_month()
    api.on("GET", "/v1/claims/9/status", 200, _status(month, checked=True))
    form = ValidateCheckinForm()
    # Verified before the form started (bound WeChat): the month is asked about first.
    tracker = load_tracker(
        "checkin_stop_details",
        slots={"identity_verified": True, "claim_id": "9", "checkin_open": None, "stop_any": None},
    )
    every = ["id_number", "sms_code", "stop_any", "stop_details"]
    assert asyncio.run(form.required_slots(every, dispatcher, tracker, domain))[0] == "checkin_open"
    assert asyncio.run(form.extract_checkin_open(dispatcher, tracker, domain)) == {
        "checkin_open": False,
        "requested_slot": None,
    }
    said = texts(dispatcher, domain)
    # Run as the form runs: the month's answer must come back as an event (rasa_sdk drops extracted
    # values of slots that required_slots no longer lists), so the submit action sees it.
    fresh = load_tracker(
        "checkin_stop_details",
        slots={"identity_verified": True, "claim_id": "9", "checkin_open": None, "stop_any": None},
    )
    events = asyncio.run(form.run(CollectingDispatcher(), fresh, domain))
    assert slots(events) == {"checkin_open": False, "requested_slot": None}
    assert said[0] == f"您{month[:4]}年{int(month[5:])}月的资格核验已经办理过了，不用重复办理。"
    assert said[1].startswith("下次请于") and said[1].endswith("的资格核验。") and "至28日" in said[1]
    assert len(said) == 2 and sum("办理过" in line for line in said) == 1
    done = load_tracker(
        "checkin_stop_details", slots={"identity_verified": True, "claim_id": "9", "checkin_open": False}
    )
    # None of the six questions: only the month's answer, already filled, so the form ends.
    assert asyncio.run(form.required_slots(every, dispatcher, done, domain)) == ["checkin_open"]
    events = asyncio.run(form.run(CollectingDispatcher(), done, domain))
    assert {"event": "slot", "name": "requested_slot", "value": None, "timestamp": None} in events
    # The form's end runs the submit action: it says nothing more and sends no check-in.
    quiet = CollectingDispatcher()
    assert slots(run(ActionSubmitCheckin().run(quiet, done, domain))) == {"checkin_open": None}
    assert quiet.messages == [] and api.sent("POST", "/v1/claims/9/checkins") == []


def test_the_month_is_asked_about_right_after_the_code(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/identity/challenges/ch_1/verify", 200, {"verified": True, "claim_id": 9, "verified_until": "…"})
    api.on("GET", "/v1/claims/9/status", 200, _status(current_month(), checked=True, duty="monthly_claim"))
    tracker = load_tracker("checkin_code_requested", text="482913", intent="give_code", slots={"challenge_id": "ch_1"})
    result = run(ValidateCheckinForm().validate_sms_code("482913", dispatcher, tracker, domain))
    assert result["identity_verified"] is True and result["checkin_open"] is False and result["requested_slot"] is None
    assert any("按月申领已经办理过了" in line for line in texts(dispatcher, domain))


@pytest.mark.parametrize("answer", [(200, "open"), (503, None), (404, None)])
def test_a_month_still_to_do_or_an_unknown_status_goes_on_to_the_questions(
    api: FakeApi, dispatcher, domain, answer
) -> None:
    import asyncio

    status, kind = answer
    body = _status(current_month(), checked=False) if kind else {"error": {"code": "x", "message": "…"}}
    api.on("GET", "/v1/claims/9/status", status, body)
    tracker = load_tracker(
        "checkin_stop_details", slots={"identity_verified": True, "claim_id": "9", "checkin_open": None}
    )
    assert asyncio.run(ValidateCheckinForm().extract_checkin_open(dispatcher, tracker, domain)) == {
        "checkin_open": True
    }
    assert dispatcher.messages == []


def _window_status(as_of: str, start: str, end: str, notes: list | None = None) -> dict:
    month = current_month()
    entry = {"month": month, "state": "pending", "checked_in": False, "window_start": start, "window_end": end}
    return {"duty": "monthly_claim", "as_of": as_of, "ledger": [entry], "next_checkin": None, "notes": notes or []}


def test_a_window_not_yet_open_is_said_before_any_question(api: FakeApi, dispatcher, domain) -> None:
    import asyncio

    m = current_month()
    api.on("GET", "/v1/claims/9/status", 200, _window_status(f"{m}-03", f"{m}-05", f"{m}-25"))
    api.on("GET", "/v1/claims/9/backpay", 200, {"applicable": False, "message": "…", "citations": []})
    tracker = load_tracker(
        "checkin_stop_details", slots={"identity_verified": True, "claim_id": "9", "checkin_open": None}
    )
    result = asyncio.run(ValidateCheckinForm().extract_checkin_open(dispatcher, tracker, domain))
    assert result == {"checkin_open": False, "requested_slot": None}
    assert texts(dispatcher, domain) == [f"现在不在{_month_zh(m)}的办理时间内（{_month_zh(m)}5日至25日）。"]
    # The form ends without the questions and without a check-in; back-pay is still looked at.
    done = load_tracker(
        "checkin_stop_details", slots={"identity_verified": True, "claim_id": "9", "checkin_open": False}
    )
    run(ActionSubmitCheckin().run(CollectingDispatcher(), done, domain))
    assert api.sent("POST", "/v1/claims/9/checkins") == [] and len(api.sent("GET", "/v1/claims/9/backpay")) == 1


def test_a_closed_window_adds_what_the_service_says_of_the_lost_month(api: FakeApi, dispatcher, domain) -> None:
    import asyncio

    m = current_month()
    lost = {"code": "MONTHS_LOST", "message": f"{_month_zh(m)}未在规定时间内办理按月申领，当月失业保险金不再享受。"}
    lost["citations"] = CITE
    api.on("GET", "/v1/claims/9/status", 200, _window_status(f"{m}-26", f"{m}-05", f"{m}-25", [lost]))
    tracker = load_tracker(
        "checkin_stop_details", slots={"identity_verified": True, "claim_id": "9", "checkin_open": None}
    )
    asyncio.run(ValidateCheckinForm().extract_checkin_open(dispatcher, tracker, domain))
    said = texts(dispatcher, domain)
    assert (
        said[0].startswith("现在不在")
        and said[1] == lost["message"] + "（依据：天津市人社局失业保险经办通知 一（二））"
    )


def _month_zh(month: str) -> str:
    return f"{month[:4]}年{int(month[5:])}月"


@pytest.mark.parametrize(("text", "intent"), [("算了不用了", "deny"), ("不用了", "deny"), ("算了，不办了", "stop")])
def test_never_mind_during_the_questions_records_nothing(api: FakeApi, dispatcher, domain, text, intent) -> None:
    tracker = load_tracker("checkin_stop_details", text=text, intent=intent)
    result = run(ValidateCheckinForm().validate_stop_any(text, dispatcher, tracker, domain))
    # Not read as "没有" (which would declare no stop event): the check-in is called off.
    assert result["identity_failure"] == "cancelled" and result["requested_slot"] is None
    assert result["stop_any"] is None and responses(dispatcher) == ["utter_cancelled"]
    ended = load_tracker("checkin_stop_details", slots={"identity_verified": True, "claim_id": "9", **result})
    run(ActionSubmitCheckin().run(CollectingDispatcher(), ended, domain))
    assert api.requests == []


def test_no_and_a_stop_event_with_never_mind_words_are_still_answers(dispatcher, domain) -> None:
    assert _validate_stop_any("算了，没有", dispatcher, domain)["stop_any"] is False
    assert _validate_stop_any("不用了，我找到工作了", dispatcher, domain, intent="report_new_job")["stop_any"] is True
