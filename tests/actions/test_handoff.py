"""Hand over to a person: a ticket with a summary and a masked transcript; and the fallback path."""

from __future__ import annotations

import pytest

from actions.fallback import ActionDefaultFallback, previous_turn_not_understood
from actions.handoff import ActionHandoff, ActionHandoffCheck, is_bare, when_zh
from tests.actions.conftest import FakeApi, load_tracker, responses, run, texts

TICKET = {
    "id": 1,
    "number": "GD20260310000001",
    "status": "received",
    "respond_by": "2026-03-12T17:00:00+08:00",
    "respond_within": "2个工作日内（3月12日前）",
    "conversation_paused": True,
}
ID = "120101197102110018"


def test_complaint_creates_a_ticket_with_a_masked_transcript(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/tickets", 201, TICKET)
    # The conversation so far includes an ID number typed during a check-in (the tracker holds
    # the gateway's handle for it, never the number).
    tracker = load_tracker("checkin_code_requested", text="我要投诉", intent="complain", slots={"region": "天津"})
    run(ActionHandoff().run(dispatcher, tracker, domain))

    [sent] = api.sent("POST", "/v1/tickets")
    body = sent.body
    assert body["category"] == "complaint" and body["channel"] == "web" and body["region"] == "天津"
    assert body["sender"] == "web:test-sender" and body["urgency"] == "normal" and body["claim_id"] is None
    assert body["summary"].startswith("【投诉】地区：天津；未核验身份；诉求：")
    lines = body["transcript"]
    assert [line["role"] for line in lines[:2]] == ["claimant", "bot"]
    assert ID not in str(body) and "idref_kenwbctdmubs" in str(lines)
    assert texts(dispatcher, domain) == [
        "很抱歉给您带来不好的体验，我马上为您登记投诉。",
        "已为您转人工（工单号 GD20260310000001），工作人员会在2个工作日内（3月12日前）答复您。"
        "在此之前您的留言会转给工作人员，答复后我会继续为您服务。",
    ]
    assert body["acknowledged"] is True  # this reply is the one acknowledgement


def test_request_for_a_person_without_region_goes_to_the_national_queue(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/tickets", 201, TICKET)
    tracker = load_tracker("policy_question", text="转人工", intent="request_human", slots={"region": None})
    run(ActionHandoff().run(dispatcher, tracker, domain))
    body = api.sent("POST", "/v1/tickets")[0].body
    assert body["category"] == "help" and body["region"] == "CN"
    assert "诉求：交了6年能领多久" in body["summary"]  # the question, not "转人工"
    assert responses(dispatcher) == ["utter_ticket_created"]


def test_verified_claimant_ticket_carries_the_claim(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/tickets", 201, TICKET)
    tracker = load_tracker("checkin_stop_details", text="我不服", intent="dispute_decision")
    run(ActionHandoff().run(dispatcher, tracker, domain))
    body = api.sent("POST", "/v1/tickets")[0].body
    assert body["claim_id"] == 9 and "已核验身份（待遇编号9）" in body["summary"]
    assert responses(dispatcher)[0] == "utter_handoff_dispute"


def test_urgent_words_mark_the_ticket_urgent(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/tickets", 201, TICKET)
    tracker = load_tracker("policy_question", intent="request_human")
    tracker.events.append({"event": "user", "text": "没钱了活不下去了，救命", "parse_data": {}})
    run(ActionHandoff().run(dispatcher, tracker, domain))
    assert api.sent("POST", "/v1/tickets")[0].body["urgency"] == "urgent"


def test_region_the_ticket_service_rejects_is_retried_nationally(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "POST",
        "/v1/tickets",
        201,
        lambda r: (422, {"error": {"message": "地区"}}) if r.body["region"] != "CN" else (201, TICKET),
    )
    run(
        ActionHandoff().run(
            dispatcher, load_tracker("policy_question", intent="request_human", slots={"region": "火星"}), domain
        )
    )
    assert [r.body["region"] for r in api.sent("POST", "/v1/tickets")] == ["火星", "CN"]
    assert responses(dispatcher) == ["utter_ticket_created"]


def test_ticket_service_down_points_to_12333(monkeypatch, dispatcher, domain) -> None:
    monkeypatch.setenv("API_URL", "http://127.0.0.1:9")
    run(ActionHandoff().run(dispatcher, load_tracker("policy_question", intent="request_human"), domain))
    assert responses(dispatcher) == ["utter_ticket_failed"]


def test_respond_by_is_shown_in_china_time() -> None:
    assert when_zh("2026-03-12T09:00:00+00:00") == "3月12日17:00"
    assert when_zh(None) == "规定时限"
    assert when_zh("soon") == "soon"


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("😀😀", "utter_emoji_only"),
        ("???", "utter_emoji_only"),
        ("How can I get unemployment benefit", "utter_english"),
    ],
)
def test_odd_input_gets_a_helpful_reply_and_no_ticket(api: FakeApi, dispatcher, domain, text, response) -> None:
    run(ActionDefaultFallback().run(dispatcher, load_tracker("fallback_second", text=text), domain))
    assert responses(dispatcher) == [response] and api.requests == []


def test_first_misunderstanding_asks_to_rephrase(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/answers", 200, {"reply": "没有把握…12333…人工", "abstained": True, "region": {"code": "CN"}})
    tracker = load_tracker("policy_question", text="那个东西弄好了没有啊", intent="nlu_fallback")
    assert not previous_turn_not_understood(tracker)
    run(ActionDefaultFallback().run(dispatcher, tracker, domain))
    assert responses(dispatcher) == ["utter_default"]
    assert api.sent("POST", "/v1/tickets") == []


def test_second_misunderstanding_in_a_row_hands_over(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/answers", 200, {"reply": "没有把握…12333…人工", "abstained": True, "region": {"code": "CN"}})
    api.on("POST", "/v1/tickets", 201, TICKET)
    tracker = load_tracker("fallback_second")
    assert previous_turn_not_understood(tracker)
    run(ActionDefaultFallback().run(dispatcher, tracker, domain))
    assert responses(dispatcher) == ["utter_handoff_not_understood", "utter_ticket_created"]
    body = api.sent("POST", "/v1/tickets")[0].body
    assert body["category"] == "consultation"
    assert "13812345678" not in str(body) and "138****5678" in body["summary"]


def test_fallback_answers_from_the_kb_when_it_is_sure(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "POST",
        "/v1/answers",
        200,
        {
            "reply": "失业金按月发放到社保卡。（依据：X 一）",
            "abstained": False,
            "topic": "payment",
            "region": {"code": "CN", "matched": None},
        },
    )
    run(ActionDefaultFallback().run(dispatcher, load_tracker("fallback_second", slots={"region_asked": True}), domain))
    assert texts(dispatcher, domain) == ["失业金按月发放到社保卡。（依据：X 一）"]
    assert api.sent("POST", "/v1/tickets") == []


@pytest.mark.parametrize("text", ["人工", "转人工", "我要转人工客服！", "找工作人员", "人工服务 谢谢"])
def test_a_bare_request_for_a_person(text: str) -> None:
    assert is_bare(text) or text.endswith("谢谢")
    assert not is_bare("我要人工，失业金三个月没到账")


def _check(tracker) -> dict[str, object]:
    return {e["name"]: e["value"] for e in run(ActionHandoffCheck().run(None, tracker, {}))}


def test_bare_person_is_asked_what_for_first(dispatcher, domain) -> None:
    tracker = load_tracker("policy_question", text="人工", intent="request_human")
    tracker.events.append({"event": "user", "text": "人工", "parse_data": {"intent": {"name": "request_human"}}})
    tracker.events.append({"event": "user", "text": "人工", "parse_data": {"intent": {"name": "request_human"}}})
    assert _check(tracker)["handoff_issue_given"] is False
    # The question just before "转人工" is what for; so is a request that says it itself.
    assert _check(load_tracker("policy_question", text="转人工", intent="request_human"))["handoff_issue_given"]
    assert _check(load_tracker("policy_question", text="我要人工，失业金三个月没到账", intent="request_human"))[
        "handoff_issue_given"
    ]


def test_the_issue_asked_for_is_the_tickets(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/tickets", 201, TICKET)
    tracker = load_tracker(
        "policy_question",
        text="窗口说我材料不全，但没说缺什么，我要投诉",
        intent="nlu_fallback",
        slots={"handoff_issue": "窗口说我材料不全，但没说缺什么，我要投诉"},
    )
    events = run(ActionHandoff().run(dispatcher, tracker, domain))
    body = api.sent("POST", "/v1/tickets")[0].body
    assert "诉求：窗口说我材料不全，但没说缺什么，我要投诉" in body["summary"]
    # A complaint keeps a complaint's category (and limit); the issue's intent does not make it "没听懂".
    assert body["category"] == "complaint"
    assert responses(dispatcher) == ["utter_ticket_created"]
    assert {"event": "slot", "name": "handoff_issue", "value": None} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


def test_an_earlier_tickets_issue_is_not_reused(api: FakeApi, dispatcher, domain) -> None:
    tracker = load_tracker("policy_question", text="人工", intent="request_human")
    tracker.events.append({"event": "action", "name": "action_handoff"})
    assert _check(tracker)["handoff_issue_given"] is False
