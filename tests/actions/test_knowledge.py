"""Policy answers: the KB's text with its citation, the eligibility service's figure, the region asked once."""

from __future__ import annotations

from typing import Any

from actions.knowledge import KB_MAX_QUERY, ActionAnswerPolicy, ActionRegionChanged
from tests.actions.conftest import FakeApi, load_tracker, responses, slots, texts

DURATION = {
    "kind": "entry",
    "id": "duration",
    "title": "失业保险金能领多久",
    "score": 40.0,
    "answer": "累计缴费满1年不满5年的，最长12个月；满5年不满10年的，最长18个月。"
    "当地规定可能不同，请以当地经办机构或12333答复为准。（依据：《失业保险条例》第十七条）",
    "body": "…",
    "citations": [{"document": "失业保险条例", "clause": "第十七条", "quote": "…"}],
    "region_used": "CN",
    "national_fallback": True,
}
CN = {"code": "CN", "name": "全国", "matched": None, "national_fallback": True}


def kb(*results: dict[str, Any], region: dict[str, Any] = CN) -> dict[str, Any]:
    return {"query": "q", "region": region, "results": list(results)}


def eligibility(months: int | None) -> dict[str, Any]:
    return {
        "region": {"code": "CN", "name": "全国", "matched_code": "CN", "matched_name": "全国"},
        "status": "needs_info",
        "benefit_months": months,
        "reasons": [],
        "flags": [],
    }


def test_contribution_question_gets_the_services_figure_then_the_cited_rule(api: FakeApi, dispatcher, domain) -> None:
    api.on("GET", "/v1/kb/search", 200, kb(DURATION))
    api.on("POST", "/v1/eligibility/evaluate", 200, eligibility(18))
    tracker = load_tracker("policy_question", slots={"region_asked": None})  # "交了6年能领多久", no region
    events = ActionAnswerPolicy().run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher, domain)
    assert reply.startswith("按您说的累计缴费6年，最长可领18个月")
    assert "（依据：《失业保险条例》第十七条）" in reply
    assert reply.strip().endswith("我按当地规定回答。")  # the region is asked, once
    assert slots(events) == {"last_question": "交了6年能领多久", "region_asked": True}
    [search] = api.sent("GET", "/v1/kb/search")
    assert search.query["q"] == ["交了6年能领多久"] and "region" not in search.query
    [evaluate] = api.sent("POST", "/v1/eligibility/evaluate")
    assert evaluate.body["contribution"] == {"total_months": 72} and evaluate.body["region"] == "CN"


def test_no_second_figure_when_the_kb_answer_already_states_it(api: FakeApi, dispatcher, domain) -> None:
    already = {**DURATION, "answer": "按累计缴费6年计，最长可领18个月。" + DURATION["answer"]}
    api.on("GET", "/v1/kb/search", 200, kb(already))
    api.on("POST", "/v1/eligibility/evaluate", 200, eligibility(18))
    ActionAnswerPolicy().run(dispatcher, load_tracker("policy_question", slots={"region_asked": True}), domain)
    [reply] = texts(dispatcher, domain)
    assert reply == already["answer"]


def test_too_short_a_contribution_is_explained_by_the_failing_reason(api: FakeApi, dispatcher, domain) -> None:
    api.on("GET", "/v1/kb/search", 200, kb(DURATION))
    api.on(
        "POST",
        "/v1/eligibility/evaluate",
        200,
        {
            **eligibility(None),
            "status": "ineligible",
            "reasons": [
                {
                    "code": "CONTRIBUTION_UNDER_1_YEAR",
                    "outcome": "fail",
                    "message": "累计缴费8个月，不满1年。",
                    "citations": [{"document": "失业保险条例", "clause": "第十四条", "quote": "…"}],
                }
            ],
        },
    )
    tracker = load_tracker("policy_question", text="交了八个月能领多久", slots={"region_asked": True})
    ActionAnswerPolicy().run(dispatcher, tracker, domain)
    [reply] = texts(dispatcher, domain)
    assert reply.startswith("累计缴费8个月，不满1年。（依据：失业保险条例 第十四条）")


def test_known_region_is_sent_and_not_asked(api: FakeApi, dispatcher, domain) -> None:
    answer = {**DURATION, "national_fallback": False, "answer": "沈阳的答复（依据：辽人社函〔2025〕111号 一）"}
    api.on(
        "GET",
        "/v1/kb/search",
        200,
        kb(answer, region={"code": "210000", "name": "辽宁省", "matched": "沈阳市", "national_fallback": False}),
    )
    api.on("POST", "/v1/eligibility/evaluate", 200, eligibility(None))
    events = ActionAnswerPolicy().run(dispatcher, load_tracker("policy_question", slots={"region": "沈阳市"}), domain)
    assert texts(dispatcher, domain) == ["沈阳的答复（依据：辽人社函〔2025〕111号 一）"]
    assert api.sent("GET", "/v1/kb/search")[0].query["region"] == ["沈阳市"]
    assert "region_asked" not in slots(events)


def test_region_named_in_the_question_is_remembered(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "GET",
        "/v1/kb/search",
        200,
        kb(DURATION, region={"code": "500000", "name": "重庆市", "matched": "重庆市", "national_fallback": False}),
    )
    events = ActionAnswerPolicy().run(dispatcher, load_tracker("policy_question", text="重庆的失业金能领多久"), domain)
    assert slots(events)["region"] == "重庆市"
    assert "utter_ask_region" not in "".join(texts(dispatcher, domain))


def test_region_the_api_cannot_place_falls_back_to_the_national_answer(api: FakeApi, dispatcher, domain) -> None:
    def by_region(request):
        if "region" in request.query:
            return 422, {"error": {"code": "unknown_region", "message": "没有找到名为“火星”的地区"}}
        return 200, kb(DURATION)

    api.on("GET", "/v1/kb/search", 200, by_region)
    api.on("POST", "/v1/eligibility/evaluate", 200, eligibility(None))
    events = ActionAnswerPolicy().run(dispatcher, load_tracker("policy_question", slots={"region": "火星"}), domain)
    [reply] = texts(dispatcher, domain)
    assert reply.startswith(domain["responses"]["utter_region_unknown"][0]["text"])
    assert DURATION["answer"] in reply
    assert slots(events)["region"] is None


def test_weak_hits_are_not_passed_off_as_answers(api: FakeApi, dispatcher, domain) -> None:
    api.on("GET", "/v1/kb/search", 200, kb({**DURATION, "kind": "clause", "score": 1.2}))
    events = ActionAnswerPolicy().run(dispatcher, load_tracker("policy_question", text="火锅怎么做"), domain)
    assert responses(dispatcher) == ["utter_kb_no_answer"]
    assert slots(events) == {"last_question": None}


def test_api_down_says_so_and_offers_12333(monkeypatch, dispatcher, domain) -> None:
    monkeypatch.setenv("API_URL", "http://127.0.0.1:9")
    ActionAnswerPolicy().run(dispatcher, load_tracker("policy_question"), domain)
    assert responses(dispatcher) == ["utter_service_unavailable"]
    assert "12333" in texts(dispatcher, domain)[0]


def test_long_message_is_searched_by_its_end(api: FakeApi, dispatcher, domain) -> None:
    api.on("GET", "/v1/kb/search", 200, kb(DURATION))
    long_text = "我之前在一家公司上班，" * 40 + "后来公司裁员了，请问失业金能领多久"
    ActionAnswerPolicy().run(
        dispatcher, load_tracker("policy_question", text=long_text, slots={"region_asked": True}), domain
    )
    query = api.sent("GET", "/v1/kb/search")[0].query["q"][0]
    assert query == "后来公司裁员了，请问失业金能领多久"  # the question, not the story before it
    assert responses(dispatcher)[0] == "utter_too_long"


def test_new_job_reported_gets_the_rule_and_the_check_in_offer(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "GET",
        "/v1/kb/search",
        200,
        kb({**DURATION, "id": "stop_events", "answer": "重新就业的，停止领取。（依据：社会保险法 第五十一条）"}),
    )
    tracker = load_tracker(
        "policy_question", text="我找到工作了", intent="report_new_job", slots={"region_asked": True}
    )
    ActionAnswerPolicy().run(dispatcher, tracker, domain)
    assert texts(dispatcher, domain)[0].startswith("重新就业的，停止领取。")
    assert responses(dispatcher) == ["utter_report_job_offer"]


def test_region_given_after_the_question_answers_it_for_that_region(api: FakeApi, dispatcher, domain) -> None:
    api.on(
        "GET",
        "/v1/kb/search",
        200,
        kb(
            {
                **DURATION,
                "id": "overpayment",
                "national_fallback": False,
                "answer": "辽宁：多领的要退回。（依据：辽人社函〔2025〕111号 三）",
            },
            region={"code": "210000", "name": "辽宁省", "matched": "大连市", "national_fallback": False},
        ),
    )
    tracker = load_tracker("region_pending")  # asked "多领的失业金怎么退", then said "大连"
    events = ActionRegionChanged().run(dispatcher, tracker, domain)
    assert texts(dispatcher, domain) == [
        "好的，已按大连市的规定为您解答。",
        "辽宁：多领的要退回。（依据：辽人社函〔2025〕111号 三）",
    ]
    [search] = api.sent("GET", "/v1/kb/search")
    assert search.query == {"q": ["多领的失业金怎么退"], "limit": ["3"], "region": ["大连市"]}
    assert slots(events)["region_asked"] is True


def test_region_without_a_pending_question_is_noted(dispatcher, domain) -> None:
    tracker = load_tracker("region_pending", slots={"last_question": None})
    ActionRegionChanged().run(dispatcher, tracker, domain)
    assert texts(dispatcher, domain) == ["好的，记住了，您在大连市。之后按当地规定为您解答，有问题直接问我。"]


def test_unrecognised_region_asks_again(dispatcher, domain) -> None:
    tracker = load_tracker("region_pending", slots={"region": None})
    ActionRegionChanged().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_region_unknown"]


def test_long_message_without_a_question_word_is_searched_by_its_end() -> None:
    from actions.knowledge import clip_question

    story = "我在厂里干了十年" * 40
    assert clip_question(story) == story[-KB_MAX_QUERY:]
    assert clip_question("  失业金 怎么领  ") == "失业金 怎么领"


def test_a_place_the_lookup_table_lacks_is_resolved_by_the_api(api: FakeApi, dispatcher, domain) -> None:
    def by_region(request):
        if request.query.get("region") == ["绵阳"]:
            return 200, kb(
                DURATION, region={"code": "CN", "name": "全国", "matched": "绵阳市", "national_fallback": True}
            )
        return 422, {"error": {"code": "unknown_region", "message": "没有找到"}}

    api.on("GET", "/v1/kb/search", 200, by_region)
    tracker = load_tracker("region_pending", text="我在绵阳", slots={"region": None, "last_question": None})
    tracker.latest_message["entities"] = []
    events = ActionRegionChanged().run(dispatcher, tracker, domain)
    assert slots(events)["region"] == "绵阳市"
    assert texts(dispatcher, domain) == ["好的，记住了，您在绵阳市。之后按当地规定为您解答，有问题直接问我。"]


def test_a_place_nobody_knows_is_asked_again(api: FakeApi, dispatcher, domain) -> None:
    api.on("GET", "/v1/kb/search", 422, {"error": {"code": "unknown_region", "message": "没有找到"}})
    tracker = load_tracker("region_pending", text="我在火星", slots={"region": None})
    tracker.latest_message["entities"] = []
    ActionRegionChanged().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_region_unknown"]
    assert api.sent("GET", "/v1/kb/search")[0].query["region"] == ["火星"]


def test_region_without_rules_of_its_own_says_national_rules_apply(api: FakeApi, dispatcher, domain) -> None:
    region = {"code": "CN", "name": "全国", "matched": "广州市", "national_fallback": True}
    api.on("GET", "/v1/kb/search", 200, kb(DURATION, region=region))
    tracker = load_tracker("region_pending", slots={"region": "广州市"})
    ActionRegionChanged().run(dispatcher, tracker, domain)
    said = texts(dispatcher, domain)
    assert said[0] == "好的，记住了，您在广州市。当地没有单独收录的文件，下面按国家规定解答："
    assert said[1] == DURATION["answer"]
