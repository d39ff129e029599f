"""The held-out answers scorer (bench/answers_eval.py) against the POST /v1/answers contract.

No product runs here: an httpx.MockTransport plays the API (and Rasa), so the figures'
arithmetic, the request bodies and the "not available" path are checked exactly.
The two JSON fixtures are responses written to the contract (shared/contracts.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench import answers_eval as ae
from bench import eval_all

FIXTURES = Path(__file__).parent / "fixtures"
CONTRACT_KEYS = {"message", "region", "date", "facts", "audience"}


def _fixture(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return body


def _q(labels: str | list[str], group: str = "g", **kw: Any) -> ae.Question:
    labels_set = frozenset([labels] if isinstance(labels, str) else labels)
    return ae.Question(text=kw.pop("text", "问"), labels=labels_set, group=group, **kw)


def _answered(topic: str, region: str | None = None) -> ae.Outcome:
    return ae.Outcome(abstained=False, topic=topic, confidence=0.9, region=region)


ABSTAINED = ae.Outcome(abstained=True, topic=None, confidence=0.1)


def api(answer: Callable[[dict[str, Any]], dict[str, Any]], seen: list[dict[str, Any]] | None = None) -> Any:
    """A MockTransport serving POST /v1/answers with `answer(body)`, recording the bodies."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/v1/answers" or request.method != "POST":
            return httpx.Response(404, json={"error": {"code": "not_found", "message": "无此接口", "fields": {}}})
        body = json.loads(request.content)
        if seen is not None:
            seen.append(body)
        return httpx.Response(200, json=answer(body))

    return httpx.MockTransport(handler)


def contract_answer(topic: str | None, *, region: str = "CN") -> dict[str, Any]:
    body = _fixture("answers_response.json" if topic else "answers_abstained.json")
    body["topic"] = topic
    body["region"] = {**body["region"], "code": region}
    return body


# --- reading one response ------------------------------------------------------------------


def test_a_contract_response_is_read() -> None:
    o = ae.outcome_of(200, _fixture("answers_response.json"))
    assert o == ae.Outcome(abstained=False, topic="monthly_checkin", confidence=0.87, region="120000")


def test_an_abstained_response_has_no_topic_even_if_one_is_sent() -> None:
    body = {**_fixture("answers_abstained.json"), "topic": "eligibility"}
    o = ae.outcome_of(200, body)
    assert o.abstained and o.topic is None and o.region == "CN"


@pytest.mark.parametrize(
    ("status", "body"),
    [(500, {"error": {}}), (422, None), (200, {"topic": "x"}), (200, {"abstained": "no", "topic": "x"}), (200, [])],
)
def test_a_failed_or_malformed_answer_is_wrong_but_never_confident(status: int, body: Any) -> None:
    o = ae.outcome_of(status, body)
    q = _q("eligibility")
    assert o.error and not ae.is_right(q, o) and not ae.is_wrong_confident(q, o)


# --- the figures ---------------------------------------------------------------------------


def test_figures_on_a_small_hand_counted_set() -> None:
    qs = [
        _q("a", "g1"),  # right
        _q(["a", "b"], "g1"),  # right (second of two labels)
        _q("c", "g2"),  # wrong-confident
        _q("d", "g2"),  # abstained on an answerable question: wrong, not confident
        _q("abstain", "abstain"),  # abstained: right
        _q("abstain", "abstain"),  # answered: wrong-confident
        _q(["abstain", "e"], "g3"),  # abstained: right, outside precision/recall
    ]
    outs = [_answered("a"), _answered("b"), _answered("x"), ABSTAINED, ABSTAINED, _answered("a"), ABSTAINED]
    f = ae.score(qs, outs)
    assert (f.accuracy.hit, f.accuracy.total) == (4, 7)
    assert (f.wrong_confident.hit, f.wrong_confident.total) == (2, 7)
    assert (f.abstain_precision.hit, f.abstain_precision.total) == (1, 2)  # abstained on d and on one abstain
    assert (f.abstain_recall.hit, f.abstain_recall.total) == (1, 2)
    assert {g: (r.hit, r.total) for g, r in f.by_group.items()} == {
        "g1": (2, 2),
        "g2": (0, 2),
        "abstain": (1, 2),
        "g3": (1, 1),
    }
    assert len(f.accuracy.failures) == 3 and len(f.wrong_confident.failures) == 2
    assert all("want" in line for line in f.accuracy.failures)


def test_offered_taps_are_counted_apart_and_never_as_answers() -> None:
    body = {**contract_answer(None), "suggestions": [{"topic": "d", "title": "问d"}]}
    offered = ae.outcome_of(200, body)
    assert offered.abstained and offered.topic is None and offered.suggested == {"d"}
    qs = [_q("d"), _q("d"), _q("abstain", "abstain"), _q("abstain", "abstain"), _q(["abstain", "d"])]
    outs = [offered, ABSTAINED, offered, ABSTAINED, offered]
    f = ae.score(qs, outs)
    assert (f.accuracy.hit, f.wrong_confident.hit) == (3, 0)  # a tap offered is no answer
    assert (f.offered.hit, f.offered.total) == (1, 2)  # the two wrong abstentions on "d"
    assert (f.offered_needlessly.hit, f.offered_needlessly.total) == (1, 2)


def test_accuracy_on_the_first_35_topics_apart_from_the_new_ones() -> None:
    qs = [_q("a", existing=True), _q(["a", "n"], existing=True), _q("n"), _q("abstain", "abstain")]
    f = ae.score(qs, [_answered("a"), ABSTAINED, _answered("n"), ABSTAINED])
    assert {c: (r.hit, r.total) for c, r in f.by_coverage.items()} == {ae.FIRST_35: (1, 2), ae.NEW_TOPICS: (1, 1)}


def test_region_understood_only_where_the_text_names_a_city() -> None:
    qs = [_q("a", expect_region="210000"), _q("a", expect_region="150000"), _q("a")]
    f = ae.score(qs, [_answered("a", "210000"), _answered("a", "CN"), _answered("a", "CN")])
    assert (f.region.hit, f.region.total) == (1, 2)


def test_intent_figure_counts_labelled_questions_only() -> None:
    qs = [
        _q("a", intents=frozenset({"ask_policy"})),
        _q("a", intents=frozenset({"dispute_decision", "ask_policy"})),
        _q("a"),
    ]
    got = iter(["ask_policy", "complain"])
    r = ae.intent_figure(qs, lambda text: next(got))
    assert (r.hit, r.total) == (1, 2)


# --- through HTTP, on the real held-out file -------------------------------------------------


def test_requests_follow_the_contract_and_an_oracle_scores_perfectly() -> None:
    questions = ae.load_questions()
    by_text = {q.text: q for q in questions}
    seen: list[dict[str, Any]] = []

    def oracle(body: dict[str, Any]) -> dict[str, Any]:
        q = by_text[body["message"]]
        if q.may_abstain:
            return contract_answer(None)
        return contract_answer(sorted(q.labels)[0], region=q.expect_region or q.region or "CN")

    figures, why = ae.run("http://api", None, transport=api(oracle, seen))
    assert figures is not None, why
    assert len(seen) == len(questions)
    for body in seen:
        assert set(body) == CONTRACT_KEYS
        assert isinstance(body["message"], str) and body["message"]
        assert body["region"] is None or isinstance(body["region"], str)
        assert body["date"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", body["date"])
        assert body["facts"] is None and body["audience"] == "claimant"
    assert figures.accuracy.rate == 1.0
    assert figures.wrong_confident.hit == 0
    assert figures.abstain_precision.rate == 1.0 and figures.abstain_recall.rate == 1.0
    assert figures.region.rate == 1.0


def test_a_product_that_always_answers_one_topic_is_caught() -> None:
    questions = ae.load_questions()
    figures, _ = ae.run("http://api", None, transport=api(lambda body: contract_answer("eligibility")))
    assert figures is not None
    expected_wrong = sum("eligibility" not in q.labels for q in questions)
    assert figures.wrong_confident.hit == expected_wrong
    assert figures.wrong_confident.rate is not None and figures.wrong_confident.rate > 0.9
    assert figures.abstain_recall.hit == 0
    assert figures.accuracy.hit == len(questions) - expected_wrong


def test_a_product_that_always_abstains_is_never_wrong_confident_but_inaccurate() -> None:
    questions = ae.load_questions()
    figures, _ = ae.run("http://api", None, transport=api(lambda body: contract_answer(None)))
    assert figures is not None
    assert figures.wrong_confident.hit == 0
    assert figures.accuracy.hit == sum(q.may_abstain for q in questions)
    assert figures.abstain_recall.rate == 1.0
    assert figures.abstain_precision.rate is not None and figures.abstain_precision.rate < 0.25


def test_intent_accuracy_through_rasa_parse() -> None:
    questions = ae.load_questions()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/model/parse":
            return httpx.Response(200, json={"intent": {"name": "ask_policy", "confidence": 0.9}})
        return httpx.Response(200, json=contract_answer(None))

    figures, _ = ae.run("http://api", "http://rasa", transport=httpx.MockTransport(handler))
    assert figures is not None and not figures.intent_unavailable
    labelled = [q for q in questions if q.intents]
    assert figures.intent.total == len(labelled)
    assert figures.intent.hit == sum("ask_policy" in q.intents for q in labelled)


def test_no_endpoint_is_not_available_not_a_score() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": {"code": "not_found", "message": "无此接口", "fields": {}}})

    figures, why = ae.run("http://api", None, transport=httpx.MockTransport(handler))
    assert figures is None and "404" in why
    areas = eval_all.answers_heldout("http://api", "http://rasa", transport=httpx.MockTransport(handler))
    assert len(areas) == 1 and not areas[0].available


def test_eval_all_table_shows_the_answer_figures() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/model/parse":
            return httpx.Response(503)
        return httpx.Response(200, json=contract_answer("eligibility"))

    areas = eval_all.answers_heldout("http://api", "http://rasa", transport=httpx.MockTransport(handler))
    names = [a.name for a in areas]
    for part in ("answer accuracy", "wrong-confident", "abstention precision", "abstention recall", "· eligibility"):
        assert any(part in n for n in names), part
    intent = next(a for a in areas if a.name.endswith("intent accuracy"))
    assert not intent.available and "503" in intent.note
    table = eval_all.render(areas, verbose=False, seconds=1.0)
    assert "answers (held-out): wrong-confident" in table and "goal ≤ 0.02" in table


def test_in_process_post_answers_and_abstains_as_the_route_does() -> None:
    post = ae.in_process_post()

    def body_of(message: str, region: str | None = None) -> dict[str, Any]:
        return {"message": message, "region": region, "date": None, "facts": None, "audience": "claimant"}

    status, body = post(body_of("主动辞职能领失业金吗"))
    assert status == 200
    outcome = ae.outcome_of(status, body)
    assert not outcome.abstained and outcome.topic == "voluntary_resignation"
    status, body = post(body_of("今天天气怎么样"))
    assert status == 200 and ae.outcome_of(status, body).abstained
    assert post(body_of(""))[0] == 422
    assert post(body_of("失业金", "火星"))[0] == 422


def test_in_process_run_scores_a_questions_file(tmp_path: Path) -> None:
    path = tmp_path / "questions.yaml"
    path.write_text(
        "questions:\n"
        "- {text: 主动辞职能领失业金吗, topic: voluntary_resignation}\n"
        "- {text: 今天天气怎么样, topic: abstain}\n",
        encoding="utf-8",
    )
    figures, why = ae.run_in_process(questions_path=path)
    assert figures is not None and why == ""
    assert (figures.accuracy.hit, figures.accuracy.total) == (2, 2)
    assert figures.wrong_confident.hit == 0
    assert figures.intent_unavailable
