"""Policy answers: one POST /v1/answers per turn, its reply shown as composed, the region asked once."""

from __future__ import annotations

from typing import Any

from actions.knowledge import ActionAnswerPolicy, ActionRegionChanged
from tests.actions.conftest import FakeApi, load_tracker, responses, run, slots, texts

CN = {"code": "CN", "name": "全国", "matched": None, "national_fallback": True}
DURATION_REPLY = (
    "按累计缴费6年计，最长可领18个月。\n"
    "累计缴费满1年不满5年的，最长12个月；满5年不满10年的，最长18个月。"
    "当地规定可能不同，请以当地经办机构或12333答复为准。\n（依据：《失业保险条例》第十七条）"
)
UNSURE = "这个问题我没有把握准确回答，为免误导，先不给您答复。您可以拨打12333人社服务热线；也可以回复“人工”转人工服务。"


def answer(
    reply: str = DURATION_REPLY, *, topic: str | None = "duration", region: dict[str, Any] = CN
) -> dict[str, Any]:
    """A POST /v1/answers body as the API composes it."""
    return {
        "reply": reply,
        "abstained": topic is None,
        "topic": topic,
        "confidence": 0.9 if topic else 0.1,
        "region": region,
        "citations": [{"document": "失业保险条例", "clause": "第十七条", "quote": "…"}] if topic else [],
        "facts": {},
        "computed": [],
        "candidates": [{"topic": "duration", "score": 30.0}],
    }


def test_the_reply_is_the_apis_composed_answer_in_one_call(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/answers", 200, answer())
    tracker = load_tracker("policy_question", slots={"region_asked": None})  # "交了6年能领多久", no region
    events = run(ActionAnswerPolicy().run(dispatcher, tracker, domain))

    [reply] = texts(dispatcher, domain)
    assert reply.startswith(DURATION_REPLY)  # shown as composed: the person's figure first, citation last
    assert reply.strip().endswith("我按当地规定回答。")  # the region is asked, once
    assert slots(events) == {"last_question": "交了6年能领多久", "region_asked": True}
    [sent] = api.requests  # one call for the turn, nothing else
    assert (sent.method, sent.path) == ("POST", "/v1/answers")
    assert sent.body == {"message": "交了6年能领多久"}


def test_a_close_call_abstention_offers_its_suggestions_as_buttons(api: FakeApi, dispatcher, domain) -> None:
    unsure = answer("没有把握…\n您想问的是不是：\n· 本人不方便，能让家人代办申领吗\n…", topic=None)
    unsure["suggestions"] = [{"topic": "apply_by_proxy", "title": "本人不方便，能让家人代办申领吗"}]
    api.on("POST", "/v1/answers", 200, unsure)
    run(ActionAnswerPolicy().run(dispatcher, load_tracker("policy_question"), domain))
    [message] = dispatcher.messages
    title = "本人不方便，能让家人代办申领吗"
    assert message["buttons"] == [{"title": title, "payload": title}]


def test_an_answer_has_no_buttons(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/answers", 200, answer())
    run(ActionAnswerPolicy().run(dispatcher, load_tracker("policy_question", slots={"region": "天津"}), domain))
    assert all(not m.get("buttons") for m in dispatcher.messages)


def test_known_region_is_sent_and_not_asked(api: FakeApi, dispatcher, domain) -> None:
    region = {"code": "210000", "name": "辽宁省", "matched": "沈阳市", "national_fallback": False}
    api.on("POST", "/v1/answers", 200, answer("沈阳的答复\n（依据：辽人社函〔2025〕111号 一）", region=region))
    events = run(
        ActionAnswerPolicy().run(dispatcher, load_tracker("policy_question", slots={"region": "沈阳市"}), domain)
    )
    assert texts(dispatcher, domain) == ["沈阳的答复\n（依据：辽人社函〔2025〕111号 一）"]
    assert api.sent("POST", "/v1/answers")[0].body["region"] == "沈阳市"
    assert "region_asked" not in slots(events)


def test_region_named_in_the_question_is_remembered(api: FakeApi, dispatcher, domain) -> None:
    region = {"code": "500000", "name": "重庆市", "matched": "重庆市", "national_fallback": False}
    api.on("POST", "/v1/answers", 200, answer(region=region))
    events = run(
        ActionAnswerPolicy().run(dispatcher, load_tracker("policy_question", text="重庆的失业金能领多久"), domain)
    )
    assert slots(events)["region"] == "重庆市"
    assert "我按当地规定回答" not in "".join(texts(dispatcher, domain))


def test_region_the_api_cannot_place_falls_back_to_the_national_answer(api: FakeApi, dispatcher, domain) -> None:
    def by_region(request):
        if "region" in request.body:
            return 422, {"error": {"code": "validation_error", "message": "没有找到名为“火星”的地区"}}
        return 200, answer()

    api.on("POST", "/v1/answers", 200, by_region)
    events = run(
        ActionAnswerPolicy().run(dispatcher, load_tracker("policy_question", slots={"region": "火星"}), domain)
    )
    [reply] = texts(dispatcher, domain)
    assert reply.startswith(domain["responses"]["utter_region_unknown"][0]["text"])
    assert DURATION_REPLY in reply
    assert slots(events)["region"] is None


def test_not_sure_is_said_as_the_api_words_it_and_nothing_is_cited(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/answers", 200, answer(UNSURE, topic=None))
    events = run(ActionAnswerPolicy().run(dispatcher, load_tracker("policy_question", text="公积金怎么取"), domain))
    assert texts(dispatcher, domain) == [UNSURE]
    assert slots(events) == {"last_question": None}  # nothing to re-answer when a region is given


def test_api_down_says_so_and_offers_12333(monkeypatch, dispatcher, domain) -> None:
    monkeypatch.setenv("API_URL", "http://127.0.0.1:9")
    run(ActionAnswerPolicy().run(dispatcher, load_tracker("policy_question"), domain))
    assert responses(dispatcher) == ["utter_service_unavailable"]
    assert "12333" in texts(dispatcher, domain)[0]


def test_long_message_is_sent_whole_and_the_claimant_told(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/answers", 200, answer())
    long_text = "我之前在一家公司上班，" * 40 + "后来公司裁员了，请问失业金能领多久"
    run(
        ActionAnswerPolicy().run(
            dispatcher, load_tracker("policy_question", text=long_text, slots={"region_asked": True}), domain
        )
    )
    assert api.sent("POST", "/v1/answers")[0].body["message"] == long_text  # the API picks out the question
    assert responses(dispatcher)[0] == "utter_too_long"


def test_new_job_reported_gets_the_rule_and_the_check_in_offer(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "POST",
        "/v1/answers",
        200,
        answer("重新就业的，停止领取。\n（依据：社会保险法 第五十一条）", topic="stop_events"),
    )
    tracker = load_tracker(
        "policy_question", text="我找到工作了", intent="report_new_job", slots={"region_asked": True}
    )
    run(ActionAnswerPolicy().run(dispatcher, tracker, domain))
    assert texts(dispatcher, domain)[0].startswith("重新就业的，停止领取。")
    assert responses(dispatcher) == ["utter_report_job_offer"]


def test_region_given_after_the_question_answers_it_for_that_region(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "POST",
        "/v1/answers",
        200,
        answer(
            "辽宁：多领的要退回。（依据：辽人社函〔2025〕111号 三）",
            topic="overpayment",
            region={"code": "210000", "name": "辽宁省", "matched": "大连市", "national_fallback": False},
        ),
    )
    tracker = load_tracker("region_pending")  # asked "多领的失业金怎么退", then said "大连"
    events = run(ActionRegionChanged().run(dispatcher, tracker, domain))
    assert texts(dispatcher, domain) == [
        "好的，已按大连市的规定为您解答。",
        "辽宁：多领的要退回。（依据：辽人社函〔2025〕111号 三）",
    ]
    [sent] = api.sent("POST", "/v1/answers")
    assert sent.body == {"message": "多领的失业金怎么退", "region": "大连市"}
    assert slots(events)["region_asked"] is True


def test_region_without_a_pending_question_is_noted(dispatcher, domain) -> None:
    tracker = load_tracker("region_pending", slots={"last_question": None})
    run(ActionRegionChanged().run(dispatcher, tracker, domain))
    assert texts(dispatcher, domain) == ["好的，记住了，您在大连市。之后按当地规定为您解答，有问题直接问我。"]


def test_unrecognised_region_asks_again(dispatcher, domain) -> None:
    tracker = load_tracker("region_pending", slots={"region": None})
    run(ActionRegionChanged().run(dispatcher, tracker, domain))
    assert responses(dispatcher) == ["utter_region_unknown"]


def test_a_place_the_lookup_table_lacks_is_resolved_by_the_api(api: FakeApi, dispatcher, domain) -> None:
    def by_region(request):
        if request.body.get("region") == "绵阳":
            return 200, answer(region={"code": "CN", "name": "全国", "matched": "绵阳市", "national_fallback": True})
        return 422, {"error": {"code": "unknown_region", "message": "没有找到"}}

    api.on("POST", "/v1/answers", 200, by_region)
    tracker = load_tracker("region_pending", text="我在绵阳", slots={"region": None, "last_question": None})
    tracker.latest_message["entities"] = []
    events = run(ActionRegionChanged().run(dispatcher, tracker, domain))
    assert slots(events)["region"] == "绵阳市"
    assert texts(dispatcher, domain) == ["好的，记住了，您在绵阳市。之后按当地规定为您解答，有问题直接问我。"]


def test_a_place_nobody_knows_is_asked_again(api: FakeApi, dispatcher, domain) -> None:
    api.on("POST", "/v1/answers", 422, {"error": {"code": "unknown_region", "message": "没有找到"}})
    tracker = load_tracker("region_pending", text="我在火星", slots={"region": None})
    tracker.latest_message["entities"] = []
    run(ActionRegionChanged().run(dispatcher, tracker, domain))
    assert responses(dispatcher) == ["utter_region_unknown"]
    assert api.sent("POST", "/v1/answers")[0].body["region"] == "火星"


def test_region_without_rules_of_its_own_says_national_rules_apply(api: FakeApi, dispatcher, domain) -> None:
    region = {"code": "CN", "name": "全国", "matched": "广州市", "national_fallback": True}
    api.on("POST", "/v1/answers", 200, answer(region=region))
    tracker = load_tracker("region_pending", slots={"region": "广州市"})
    run(ActionRegionChanged().run(dispatcher, tracker, domain))
    said = texts(dispatcher, domain)
    assert said[0] == "好的，记住了，您在广州市。当地没有单独收录的文件，下面按国家规定解答："
    assert said[1] == DURATION_REPLY
