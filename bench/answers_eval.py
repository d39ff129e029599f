"""Held-out answers: does POST /v1/answers answer the question asked, or say it is not sure?

    .venv/bin/python -m bench.answers_eval --base http://127.0.0.1:8000 [--rasa http://127.0.0.1:5005] [-v]
    .venv/bin/python -m bench.answers_eval --in-process [-v]

`--in-process` needs no server: each body goes through the route's own steps
(AnswerIn validation, api.answers.service.answer with the packaged rule base and
knowledge base), so the figures are the same; only the HTTP layer is left out.

Each question of data/answers_heldout/questions.yaml (never tuned on) is sent as the
claimant would send it (its region and date, no known facts) and scored against its
label, a topic of data/topics.yaml or `abstain`:

- answer accuracy       right topic and not abstained, or abstained when labelled abstain
                        (goal ≥ 0.95);
- wrong-confident rate  not abstained and the topic is not the labelled one, over all
                        questions: a cited answer to another question (goal ≤ 0.02);
- abstention precision  of the questions it abstained on, how many it should have;
  and recall            of the questions labelled abstain, how many it abstained on
                        (items whose label allows either are left out of both);
- per-group accuracy    by the group (topics.yaml) of the labelled topic, and on the KB's
                        first 35 topics apart from the new ones;
- region understood     where the text names a city (`expect_region`), the answer's region;
- intent accuracy       Rasa /model/parse where an `intent` is labelled.

bench/eval_all.py shows these in `make eval`; this module is also runnable alone.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "data" / "answers_heldout" / "questions.yaml"
TOPICS = ROOT / "data" / "topics.yaml"
ABSTAIN = "abstain"
AUTH = {"Authorization": "Bearer dev-token"}
ACCURACY_GOAL = 0.95
WRONG_CONFIDENT_GOAL = 0.02
FIRST_35 = "first 35 topics"
NEW_TOPICS = "new topics"


class Unavailable(RuntimeError):
    """The endpoint does not exist (yet) or the data is missing."""


@dataclass(frozen=True)
class Question:
    text: str
    labels: frozenset[str]  # topic ids; may hold ABSTAIN
    group: str  # topics.yaml group of the first label, or ABSTAIN
    region: str | None = None
    expect_region: str | None = None
    date: str | None = None
    intents: frozenset[str] = frozenset()
    existing: bool = False  # a label is one of the KB's first 35 entries (topics.yaml `existing`)

    @property
    def must_abstain(self) -> bool:
        return self.labels == {ABSTAIN}

    @property
    def may_abstain(self) -> bool:
        return ABSTAIN in self.labels

    def request(self) -> dict[str, Any]:
        """The POST /v1/answers body (shared/contracts: message, region, date, facts, audience)."""
        return {"message": self.text, "region": self.region, "date": self.date, "facts": None, "audience": "claimant"}


@dataclass(frozen=True)
class Outcome:
    """What the product did with one question (None topic when it abstained or failed)."""

    abstained: bool
    topic: str | None
    confidence: float | None = None
    region: str | None = None
    error: str | None = None  # http status or malformed body: counted wrong, never confident
    suggested: frozenset[str] = frozenset()  # topics offered to tap after an abstention


def _as_set(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    return frozenset([str(value)] if isinstance(value, str) else (str(v) for v in value))


def load_topics(path: Path = TOPICS) -> dict[str, dict[str, Any]]:
    topics = yaml.safe_load(path.read_text(encoding="utf-8"))["topics"]
    return {str(t["id"]): t for t in topics}


def load_questions(path: Path = QUESTIONS, topics: dict[str, dict[str, Any]] | None = None) -> list[Question]:
    """The held-out questions; a label that is not a topic id is an error (a typo would score as wrong)."""
    topics = load_topics() if topics is None else topics
    out: list[Question] = []
    for n, item in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["questions"], start=1):
        labels = _as_set(item["topic"])
        unknown = sorted(label for label in labels if label != ABSTAIN and label not in topics)
        if not labels or unknown:
            raise ValueError(f"{path.name} question {n}: unknown topic {unknown or 'missing'}")
        ordered = [item["topic"]] if isinstance(item["topic"], str) else list(item["topic"])
        first = next((t for t in ordered if t != ABSTAIN), ABSTAIN)
        out.append(
            Question(
                text=str(item["text"]),
                labels=labels,
                group=ABSTAIN if first == ABSTAIN else str(topics[first]["group"]),
                region=None if item.get("region") in (None, "CN") else str(item["region"]),
                expect_region=None if item.get("expect_region") is None else str(item["expect_region"]),
                date=None if item.get("date") is None else str(item["date"]),
                intents=_as_set(item.get("intent")),
                existing=any(bool(topics[t].get("existing")) for t in labels if t != ABSTAIN),
            )
        )
    return out


def outcome_of(status: int, body: Any) -> Outcome:
    """Read one POST /v1/answers response (contract: abstained, topic, confidence, region{code})."""
    if status != 200:
        return Outcome(abstained=False, topic=None, error=f"http {status}")
    try:
        abstained = body["abstained"]
        if not isinstance(abstained, bool):
            raise TypeError("abstained is not a boolean")
        topic = body.get("topic")
        region = body.get("region") or {}
        confidence = body.get("confidence")
        suggested = frozenset(str(x["topic"]) for x in body.get("suggestions") or [])
        return Outcome(
            suggested=suggested,
            abstained=abstained,
            topic=None if abstained or topic is None else str(topic),
            confidence=None if confidence is None else float(confidence),
            region=None if not isinstance(region, dict) or region.get("code") is None else str(region["code"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return Outcome(abstained=False, topic=None, error=f"malformed answer: {exc}")


def is_right(q: Question, o: Outcome) -> bool:
    if o.error:
        return False
    if o.abstained:
        return q.may_abstain
    return o.topic in q.labels


def is_wrong_confident(q: Question, o: Outcome) -> bool:
    """A confident answer (not abstained, a topic given) to a question it does not answer."""
    return not o.error and not o.abstained and o.topic is not None and o.topic not in q.labels


@dataclass
class Ratio:
    hit: int = 0
    total: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, ok: bool, failure: str = "") -> None:
        self.total += 1
        self.hit += ok
        if not ok and failure:
            self.failures.append(failure)

    @property
    def rate(self) -> float | None:
        return self.hit / self.total if self.total else None


@dataclass
class Figures:
    accuracy: Ratio = field(default_factory=Ratio)
    wrong_confident: Ratio = field(default_factory=Ratio)  # hit = wrong-confident answers
    abstain_precision: Ratio = field(default_factory=Ratio)
    abstain_recall: Ratio = field(default_factory=Ratio)
    by_group: dict[str, Ratio] = field(default_factory=dict)
    by_coverage: dict[str, Ratio] = field(default_factory=dict)  # "first 35 topics" / "new topics"
    region: Ratio = field(default_factory=Ratio)
    intent: Ratio = field(default_factory=Ratio)
    # After abstaining on a question it should have answered: was the right topic offered to tap?
    offered: Ratio = field(default_factory=Ratio)
    # After abstaining rightly (nothing to answer): hit = taps offered all the same.
    offered_needlessly: Ratio = field(default_factory=Ratio)
    intent_unavailable: str = ""  # why intent accuracy could not be measured


def _shown(o: Outcome) -> str:
    if o.error:
        return o.error
    if o.abstained:
        return "abstained"
    return f"{o.topic}" + (f" ({o.confidence:.2f})" if o.confidence is not None else "")


def _want(q: Question) -> str:
    return " | ".join(sorted(q.labels))


def score(questions: list[Question], outcomes: list[Outcome]) -> Figures:
    f = Figures()
    for q, o in zip(questions, outcomes, strict=True):
        where = f"[{q.region or q.expect_region or 'CN'}{' ' + q.date if q.date else ''}] {q.text}"
        right = is_right(q, o)
        f.accuracy.add(right, f"{where} → {_shown(o)} (want {_want(q)})")
        wrong = is_wrong_confident(q, o)
        f.wrong_confident.total += 1
        if wrong:
            f.wrong_confident.hit += 1
            f.wrong_confident.failures.append(f"{where} → {_shown(o)} (want {_want(q)})")
        f.by_group.setdefault(q.group, Ratio()).add(right)
        if not q.must_abstain:
            f.by_coverage.setdefault(FIRST_35 if q.existing else NEW_TOPICS, Ratio()).add(right)
        if not (q.may_abstain and not q.must_abstain):  # either is right: no abstention figure
            if o.abstained and not o.error:
                f.abstain_precision.add(q.must_abstain, f"{where} → abstained (want {_want(q)})")
            if q.must_abstain:
                f.abstain_recall.add(o.abstained and not o.error, f"{where} → {_shown(o)} (want abstain)")
        if o.abstained and not o.error and not q.may_abstain:
            f.offered.add(bool(o.suggested & q.labels))
        if o.abstained and not o.error and q.must_abstain:
            f.offered_needlessly.add(bool(o.suggested))
        if q.expect_region:
            f.region.add(o.region == q.expect_region, f"{q.text} → region {o.region} (want {q.expect_region})")
    return f


Post = Callable[[dict[str, Any]], tuple[int, Any]]


def http_post(http: httpx.Client) -> Post:
    def post(body: dict[str, Any]) -> tuple[int, Any]:
        r = http.post("/v1/answers", json=body)
        if r.status_code in (404, 405):
            raise Unavailable(f"POST /v1/answers answered {r.status_code}")
        try:
            return r.status_code, r.json()
        except ValueError:
            return r.status_code, None

    return post


def in_process_post() -> Post:
    """The route's work without HTTP: AnswerIn, then service.answer (a 422 where the route gives one)."""
    from pydantic import ValidationError

    from api.answers import service
    from api.answers.schemas import AnswerIn
    from api.errors import ValidationFailed
    from policy_kb import default_rule_base
    from policy_kb.clock import today_in_china
    from policy_kb.kb import knowledge_base_for

    rule_base = default_rule_base()
    kb = knowledge_base_for(rule_base)

    def post(body: dict[str, Any]) -> tuple[int, Any]:
        try:
            request = AnswerIn.model_validate(body)
            out = service.answer(
                kb=kb,
                rule_base=rule_base,
                message=request.message,
                region=request.region,
                on=request.date or today_in_china(),
                known_facts=request.facts,
                audience=request.audience,
            )
        except (ValidationError, ValidationFailed):
            return 422, None
        return 200, out.model_dump(mode="json")

    return post


def run_in_process(*, questions_path: Path = QUESTIONS) -> tuple[Figures | None, str]:
    """Figures of the answer service called in this process (no intent figure: that needs Rasa)."""
    if not questions_path.exists() or not TOPICS.exists():
        return None, f"{questions_path.name} or data/topics.yaml missing"
    questions = load_questions(questions_path)
    figures = score(questions, ask_all(questions, in_process_post()))
    figures.intent_unavailable = "in-process: no Rasa"
    return figures, ""


def ask_all(questions: list[Question], post: Post) -> list[Outcome]:
    return [outcome_of(*post(q.request())) for q in questions]


def intent_figure(questions: list[Question], parse: Callable[[str], str | None]) -> Ratio:
    ratio = Ratio()
    for q in questions:
        if q.intents:
            got = parse(q.text)
            ratio.add(got in q.intents, f"{q.text} → {got} (want {' | '.join(sorted(q.intents))})")
    return ratio


def rasa_parse(http: httpx.Client) -> Callable[[str], str | None]:
    def parse(text: str) -> str | None:
        r = http.post("/model/parse", json={"text": text})
        if r.status_code != 200:
            raise Unavailable(f"Rasa /model/parse answered {r.status_code}")
        name = (r.json().get("intent") or {}).get("name")
        return None if name is None else str(name)

    return parse


def run(
    base: str,
    rasa: str | None,
    *,
    questions_path: Path = QUESTIONS,
    transport: httpx.BaseTransport | None = None,
    rasa_token: str | None = None,
) -> tuple[Figures | None, str]:
    """Figures for the running product, or None and why not (no data, no endpoint).

    `transport` replaces the network for both clients (tests use an httpx.MockTransport).
    """
    if not questions_path.exists() or not TOPICS.exists():
        return None, f"{questions_path.name} or data/topics.yaml missing"
    questions = load_questions(questions_path)
    with httpx.Client(base_url=base, headers=AUTH, timeout=60, transport=transport) as http:
        try:
            figures = score(questions, ask_all(questions, http_post(http)))
        except Unavailable as exc:
            return None, str(exc)
    if rasa:
        # Rasa's HTTP API needs its token (RASA_TOKEN; ?token= as Rasa reads it).
        params = {"token": rasa_token} if rasa_token else None
        with httpx.Client(base_url=rasa, timeout=30, transport=transport, params=params) as http:
            try:
                figures.intent = intent_figure(questions, rasa_parse(http))
            except (Unavailable, httpx.HTTPError) as exc:
                figures.intent_unavailable = str(exc) or type(exc).__name__
    return figures, ""


def _fmt(r: Ratio) -> str:
    return f"{r.hit}/{r.total}  {r.rate:.1%}" if r.rate is not None else "-"


def report(f: Figures, *, verbose: bool) -> str:
    intent = f"not available ({f.intent_unavailable})" if f.intent_unavailable else _fmt(f.intent)
    lines = [
        f"answer accuracy        {_fmt(f.accuracy)}  (goal ≥ {ACCURACY_GOAL:.0%})",
        f"wrong-confident rate   {_fmt(f.wrong_confident)}  (goal ≤ {WRONG_CONFIDENT_GOAL:.0%})",
        f"abstention precision   {_fmt(f.abstain_precision)}",
        f"abstention recall      {_fmt(f.abstain_recall)}",
        f"right topic offered    {_fmt(f.offered)}  (after an abstention it should not have made)",
        f"taps offered needlessly {_fmt(f.offered_needlessly)}  (after a right abstention)",
        f"region understood      {_fmt(f.region)}",
        f"intent accuracy        {intent}",
    ]
    lines += [f"  {c:<22} {_fmt(r)}" for c, r in sorted(f.by_coverage.items())]
    lines += [f"  group {g:<16} {_fmt(r)}" for g, r in sorted(f.by_group.items())]
    for name, r in (("answer", f.accuracy), ("region", f.region), ("intent", f.intent)):
        if r.failures:
            shown = r.failures if verbose else r.failures[:15]
            lines += ["", f"failing — {name} ({len(r.failures)}):"] + [f"  {x}" for x in shown]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--base", help="a running API")
    where.add_argument("--in-process", action="store_true", help="call the answer service here, no server")
    parser.add_argument("--rasa", help="that product's Rasa (for /model/parse)")
    parser.add_argument("-v", action="store_true", help="list every failing case")
    args = parser.parse_args(argv)
    if args.in_process:
        sys.path.insert(0, str(ROOT))
        figures, why = run_in_process()
        if figures is None:
            print(f"answers (held-out): not available ({why})")
            return 0
        print(report(figures, verbose=args.v))
        return 0
    try:
        figures, why = run(args.base.rstrip("/"), args.rasa.rstrip("/") if args.rasa else None)
    except httpx.HTTPError as exc:
        print(f"无法连接产品：{type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if figures is None:
        print(f"answers (held-out): not available ({why})")
        return 0
    print(report(figures, verbose=args.v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
