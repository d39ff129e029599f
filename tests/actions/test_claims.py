"""Why refused / suspended, and back-pay: the claims service's explanation, the remedy, the offer."""

from __future__ import annotations

from actions.claims import ActionBackpayOptions, ActionExplainClaim
from actions.offers import ActionAffirm, ActionDeny
from tests.actions.conftest import FakeApi, load_tracker, responses, run, slots, texts

CQ = [{"document": "渝人社办〔2025〕112号", "clause": "一（四）", "quote": "…"}]
TJ = [{"document": "天津市人社局失业保险经办通知", "clause": "一（二）", "quote": "…"}]
VERIFIED = {"identity_verified": True, "claim_id": "4"}


def status(backpay: dict) -> dict:
    return {
        "claim_id": 4,
        "region": {"code": "500000", "name": "重庆市", "matched_code": "500000", "matched_name": "重庆市"},
        "months_remaining": 10,
        "suspended": True,
        "backpay": backpay,
        "notes": [
            {"code": "MONTHLY_DUTY", "message": "领取期间须每月进行资格核验。", "citations": CQ},
            {"code": "SUSPENDED", "message": "连续2个月未进行资格核验，自2026年10月起暂停发放。", "citations": CQ},
        ],
        "citations": CQ,
    }


def test_suspension_is_explained_from_the_service_and_a_person_offered(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "GET",
        "/v1/claims/4/status",
        200,
        status({"applicable": False, "message": "本地区没有补发规定。", "citations": CQ}),
    )
    events = run(ActionExplainClaim().run(dispatcher, load_tracker("explain_requested", slots=VERIFIED), domain))
    said = texts(dispatcher, domain)
    assert said[0] == (
        "领取期间须每月进行资格核验。\n连续2个月未进行资格核验，自2026年10月起暂停发放。\n"
        "您的待遇期还剩10个月。（依据：渝人社办〔2025〕112号 一（四））"
    )
    assert responses(dispatcher) == ["utter_offer_ticket"]
    assert slots(events) == {"region": "重庆市", "pending_offer": "ticket"}


def test_lost_months_with_back_pay_offer_the_request(api: FakeApi, dispatcher, domain) -> None:
    backpay = {
        "applicable": True,
        "eligible_months": ["2026-09"],
        "expired": False,
        "message": "可申请补发2026年9月的失业保险金。",
        "citations": TJ,
    }
    api.on("GET", "/v1/claims/4/status", 200, status(backpay))
    events = run(ActionExplainClaim().run(dispatcher, load_tracker("explain_requested", slots=VERIFIED), domain))
    assert (
        texts(dispatcher, domain)[1]
        == "可申请补发2026年9月的失业保险金。（依据：天津市人社局失业保险经办通知 一（二））"
    )
    assert slots(events)["pending_offer"] == "backpay_request"


def test_no_claim_under_that_number_gets_the_refusal_remedies(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "POST",
        "/v1/answers",
        200,
        {
            "reply": "审核不通过的可以补充材料再次申请。（依据：人社厅发〔2024〕60号 一）",
            "abstained": False,
            "topic": "reapply",
            "region": {"code": "CN", "matched": None},
            "citations": [],
        },
    )
    tracker = load_tracker(
        "explain_requested", slots={"identity_verified": False, "identity_failure": "not_found", "region_asked": True}
    )
    events = run(ActionExplainClaim().run(dispatcher, tracker, domain))
    assert texts(dispatcher, domain)[1] == "审核不通过的可以补充材料再次申请。（依据：人社厅发〔2024〕60号 一）"
    assert responses(dispatcher) == ["utter_no_claim_found", "utter_refusal_more", "utter_offer_ticket"]
    questions = [r.body["message"] for r in api.sent("POST", "/v1/answers")]
    assert len(questions) == 2 and "重新认定" in questions[1]  # re-apply, then the dispute route
    assert slots(events)["pending_offer"] == "ticket"
    assert api.sent("GET", "/v1/claims/.*") == []


def test_locked_verification_says_nothing_more(api: FakeApi, dispatcher, domain) -> None:
    tracker = load_tracker("explain_requested", slots={"identity_verified": False, "identity_failure": "locked"})
    assert run(ActionExplainClaim().run(dispatcher, tracker, domain)) == []
    assert dispatcher.messages == [] and api.requests == []


def test_back_pay_where_there_is_none_says_what_happens_instead(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "GET",
        "/v1/claims/4/backpay",
        200,
        {
            "applicable": False,
            "eligible_months": [],
            "message": "本地区没有失业保险金补发规定。重新核验后从次月起恢复发放。",
            "citations": CQ,
        },
    )
    events = run(ActionBackpayOptions().run(dispatcher, load_tracker("explain_requested", slots=VERIFIED), domain))
    assert texts(dispatcher, domain) == [
        "本地区没有失业保险金补发规定。重新核验后从次月起恢复发放。（依据：渝人社办〔2025〕112号 一（四））"
    ]
    assert slots(events) == {"pending_offer": None}


def test_yes_submits_the_back_pay_request(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "POST",
        "/v1/claims/4/backpay-requests",
        201,
        {"id": 12, "months": ["2026-09"], "message": "已登记2026年9月的补发申请，待经办机构审核。", "citations": TJ},
    )
    tracker = load_tracker("explain_requested", slots={**VERIFIED, "pending_offer": "backpay_request"})
    events = run(ActionAffirm().run(dispatcher, tracker, domain))
    assert texts(dispatcher, domain)[0] == "补发申请已提交（编号12），工作人员审核后会通知您。"
    assert api.sent("POST", "/v1/claims/4/backpay-requests")[0].body == {}
    assert slots(events) == {"pending_offer": None}


def test_refused_back_pay_request_relays_the_reason(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "POST",
        "/v1/claims/4/backpay-requests",
        409,
        {"error": {"code": "conflict", "message": "这些月份已经申请过补发。"}},
    )
    tracker = load_tracker("explain_requested", slots={**VERIFIED, "pending_offer": "backpay_request"})
    run(ActionAffirm().run(dispatcher, tracker, domain))
    assert texts(dispatcher, domain) == ["这些月份已经申请过补发。"]


def test_no_clears_the_offer(dispatcher, domain) -> None:
    events = run(
        ActionDeny().run(dispatcher, load_tracker("explain_requested", slots={"pending_offer": "ticket"}), domain)
    )
    assert slots(events) == {"pending_offer": None}
    assert responses(dispatcher) == ["utter_nothing_pending"]


def test_yes_without_an_offer_is_just_acknowledged(api: FakeApi, dispatcher, domain) -> None:
    run(ActionAffirm().run(dispatcher, load_tracker("explain_requested", slots={"pending_offer": None}), domain))
    assert responses(dispatcher) == ["utter_ok"] and api.requests == []
