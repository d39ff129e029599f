"""The monthly check-in: compact stop questions, the claims service's result rendered with citations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

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
    verified = load_tracker("checkin_stop_details", slots={"identity_verified": True, "stop_any": False})
    assert asyncio.run(form.required_slots(every, dispatcher, verified, domain)) == ["stop_any"]
    yes = load_tracker("checkin_stop_details", slots={"identity_verified": True, "stop_any": True})
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
    assert reply.startswith("已记录您在2026年11月资格核验中报告的情况。")
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
