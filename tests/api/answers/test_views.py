"""POST /v1/answers: one call composes the reply, the person's lines first, or says it is not sure."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from policy_kb.kb.abstain import CLOSE_CALL_REASONS

ON = "2026-11-21"  # every regional notice is in force


def _answer(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    response = client.post("/v1/answers", json={"date": ON, **body}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_answer_for_the_region_named_in_the_message(client: TestClient, auth_headers: dict[str, str]) -> None:
    body = _answer(client, auth_headers, message="重庆失业金审核要几天")
    assert body["abstained"] is False and body["topic"] == "review_time"
    assert body["region"]["code"] == "500000"
    assert "7个工作日" in body["reply"]
    citation_line = body["reply"].split("\n")[-1]
    assert citation_line == "（依据：渝人社办〔2025〕112号 一（二））"  # set apart, at the end
    assert {c["document"] for c in body["citations"]} == {"渝人社办〔2025〕112号"}
    assert body["candidates"][0] == {"topic": "review_time", "score": body["candidates"][0]["score"]}
    assert len(body["candidates"]) == 3 and 0 < body["confidence"] <= 1


def test_contribution_periods_are_added_up_and_come_first(client: TestClient, auth_headers: dict[str, str]) -> None:
    body = _answer(client, auth_headers, message="在沈阳交了4年，后来在大连交了3年，能领多久")
    assert body["topic"] == "duration" and body["region"]["code"] == "210000"
    assert body["facts"]["contribution_months"] == 84
    assert body["computed"] and "18个月" in body["computed"][0]["text"]
    assert body["reply"].startswith(body["computed"][0]["text"])
    documents = {(c["document"], c["clause"]) for c in body["citations"]}
    assert ("社会保险法", "第五十二条") in documents  # the periods add up


def test_known_facts_are_used_when_the_message_has_none(client: TestClient, auth_headers: dict[str, str]) -> None:
    body = _answer(client, auth_headers, message="失业金能领多久", facts={"contribution_months": 30}, region="天津")
    assert body["topic"] == "duration" and body["region"]["code"] == "120000"
    assert body["facts"]["contribution_months"] == 30
    assert body["reply"].startswith(body["computed"][0]["text"])
    assert "12个月" in body["computed"][0]["text"]


def test_retirement_date_is_computed_for_the_person(client: TestClient, auth_headers: dict[str, str]) -> None:
    body = _answer(client, auth_headers, message="男，1967年8月出生，什么时候退休")
    assert body["topic"] == "retirement_age"
    assert "2028年4月" in body["computed"][0]["text"]
    assert body["reply"].startswith(body["computed"][0]["text"])


@pytest.mark.parametrize(
    "message",
    # (公积金, a second claim and the leaving certificate now have entries of their own)
    ["驾照到期了怎么换", "住房补贴去哪申请", "失业了信用卡还不上怎么办", "好的"],
)
def test_not_sure_says_so_without_a_citation(client: TestClient, auth_headers: dict[str, str], message: str) -> None:
    body = _answer(client, auth_headers, message=message, region="内蒙古")
    assert body["abstained"] is True and body["topic"] is None
    assert body["citations"] == [] and body["computed"] == [] and "依据" not in body["reply"]
    assert "12333" in body["reply"] and "人工" in body["reply"] and "没有把握" in body["reply"]
    assert "综合柜台窗口" in body["reply"]  # Inner Mongolia's own wording for its office


def test_a_close_call_offers_the_near_questions_to_tap(client: TestClient, auth_headers: dict[str, str]) -> None:
    # Two entries about moving while on benefit, neither surely the one: not sure, yet both readings offered.
    body = _answer(client, auth_headers, message="领失业金的时候搬去外省了咋办", region="天津")
    assert body["abstained"] is True and body["reason"] in CLOSE_CALL_REASONS and body["citations"] == []
    topics = {s["topic"] for s in body["suggestions"]}
    assert topics and topics <= {"transfer_with_benefit", "checkin_after_moving", "moving_regions"}, body
    first = body["suggestions"][0]
    assert f"您想问的是不是：\n· {first['title']}" in body["reply"]
    # Tapped, the title is answered by that entry.
    tapped = _answer(client, auth_headers, message=first["title"], region="天津")
    assert tapped["abstained"] is False and tapped["topic"] == first["topic"]
    # Nothing near: nothing offered.
    assert _answer(client, auth_headers, message="今天天气怎么样")["suggestions"] == []


def test_a_story_is_answered_by_its_last_question(client: TestClient, auth_headers: dict[str, str]) -> None:
    story = (
        "我在一家物流公司干了五年，上个月公司说经营困难要裁员，我们整个部门二十多个人都被辞退了，"
        "公司给了一个月工资的补偿，签了解除合同的协议，社保交到了上个月，我现在也不知道该怎么办，"
        "家里还有老人孩子要养，中介打电话说能帮忙办，想问一下像我这种情况能领失业金吗"
    )
    body = _answer(client, auth_headers, message=story)
    assert body["topic"] in {"eligibility", "dismissed_eligible"}, body
    assert "不要相信" not in body["reply"]  # not the fraud warning


def test_operator_region_wins_over_a_place_in_the_text(client: TestClient, auth_headers: dict[str, str]) -> None:
    body = _answer(
        client, auth_headers, message="来电人说在重庆，问失业金审核要几天", region="210000", audience="operator"
    )
    assert body["region"]["code"] == "210000"
    assert all(not c["document"].startswith("渝") for c in body["citations"])
    claimant = _answer(client, auth_headers, message="重庆失业金审核要几天", region="210000")
    assert claimant["region"]["code"] == "500000"


def test_abstention_for_an_operator_is_worded_for_the_console(client: TestClient, auth_headers: dict[str, str]) -> None:
    body = _answer(client, auth_headers, message="驾照到期了怎么换", audience="operator", region="重庆")
    assert body["abstained"] and "工单" in body["reply"] and "区县失业保险经办机构" in body["reply"]


def test_national_answer_says_local_rules_may_differ(client: TestClient, auth_headers: dict[str, str]) -> None:
    body = _answer(client, auth_headers, message="失业金能领多久", region="广州")
    assert body["region"]["national_fallback"] and "广州市没有单独收录的地方文件" in body["reply"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"message": "   "}, "message"),
        ({"message": ""}, "message"),
        ({"message": "失" * 2001}, "message"),
        ({"message": "失业金能领多久", "region": "火星"}, "region"),
        ({"message": "失业金能领多久", "date": "2026-02-30"}, "date"),
        ({"message": "失业金能领多久", "audience": "robot"}, "audience"),
        ({}, "message"),
    ],
)
def test_bad_requests_are_422_in_chinese(
    client: TestClient, auth_headers: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/answers", json=body, headers=auth_headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert field in error["fields"] and error["message"]


def test_unusable_known_facts_are_ignored_not_fatal(client: TestClient, auth_headers: dict[str, str]) -> None:
    body = _answer(client, auth_headers, message="失业金能领多久", facts={"contribution_months": "很多", "x": [1]})
    assert body["topic"] == "duration" and body["facts"]["contribution_months"] is None


def test_callers_must_authenticate(client: TestClient) -> None:
    assert client.post("/v1/answers", json={"message": "失业金能领多久"}).status_code == 401


def test_an_answer_takes_no_thread_pool_hop_and_keeps_its_schema(
    client: TestClient, auth_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every turn of every conversation asks this route: no hand-over to the thread pool and back
    (the route, its dependencies and its response are async or pre-validated), same JSON schema."""
    from anyio import to_thread

    from api.answers.schemas import AnswerOut

    hops: list[object] = []
    original = to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(func)
        return await original(func, *args, **kwargs)

    monkeypatch.setattr(to_thread, "run_sync", counted)
    response = client.post("/v1/answers", json={"date": ON, "message": "交了6年能领多久"}, headers=auth_headers)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert hops == []
    answer = AnswerOut.model_validate_json(response.text)
    assert answer.topic == "duration" and answer.reply.startswith("按累计缴费6年计")
