"""`make eval`: the product's quality through the running product, in one table.

    .venv/bin/python -m bench.eval_all [--base http://127.0.0.1:8000 --rasa http://127.0.0.1:5005] [-v]

Without --base it starts its own product (API + action server + Rasa, on free ports and a
fresh SQLite database, like the end-to-end tests) and stops it afterwards. Areas:

- rule-base scenarios  tests/policy_kb/scenarios/*.yaml, each POSTed to /v1/eligibility/evaluate
                       and compared with tests/policy_kb/scenario_check.py (the rules' own checker);
- shared eval          bench/shared_eval (a copy of ../shared/eval and its scorer): eligibility,
                       conversations through /v1/chat, claims and check-ins;
- knowledge base       data/kb_questions/heldout.yaml through GET /v1/kb/search: answer hit@1
                       (the first entry is the labelled one), off-topic questions left unanswered
                       (no entry reaches the score the bot answers from);
- NLU                  data/nlu_heldout/messages.yml through Rasa's /model/parse: intent accuracy;
- answers (held-out)   data/answers_heldout/questions.yaml through POST /v1/answers (bench/answers_eval.py):
                       answer accuracy, wrong-confident rate, abstention precision and recall,
                       per-group accuracy, region understood, and intent accuracy via /model/parse.

An area whose data or endpoint does not exist prints "not available". Prints figures; exits 0
unless the product cannot be started or reached.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import answers_eval  # noqa: E402
from bench.shared_eval import run_eval  # noqa: E402
from devtools.stack import Stack  # noqa: E402

SHARED = ROOT / "bench" / "shared_eval"
SCENARIOS = ROOT / "tests" / "policy_kb" / "scenarios"
KB_HELDOUT = ROOT / "data" / "kb_questions" / "heldout.yaml"
NLU_HELDOUT = ROOT / "data" / "nlu_heldout" / "messages.yml"
AUTH = {"Authorization": "Bearer dev-token"}


@dataclass
class Area:
    name: str
    passed: int = 0
    total: int = 0
    metric: str = ""  # what the rate means (e.g. "intent accuracy")
    failures: list[str] = field(default_factory=list)
    note: str = ""
    available: bool = True

    @property
    def rate(self) -> str:
        return f"{self.passed / self.total:.1%}" if self.available and self.total else ""


def not_available(name: str, why: str) -> Area:
    return Area(name=name, available=False, note=why)


# --- areas ---------------------------------------------------------------------------------


def rule_scenarios(base: str) -> Area:
    if not SCENARIOS.is_dir() or not any(SCENARIOS.glob("*.yaml")):
        return not_available("rule-base scenarios", "tests/policy_kb/scenarios/ has no cases")
    from tests.policy_kb.scenario_check import load_scenarios, mismatches

    area = Area("rule-base scenarios (HTTP)", metric="cases passed")
    with httpx.Client(base_url=base, headers=AUTH, timeout=30) as http:
        for region, name, given, expected in load_scenarios():
            r = http.post("/v1/eligibility/evaluate", json=given)
            if r.status_code == 404:
                return not_available(area.name, "POST /v1/eligibility/evaluate does not exist")
            try:
                bad = mismatches(r.json(), expected) if r.status_code == 200 else [f"http {r.status_code}"]
            except (KeyError, TypeError, ValueError) as exc:
                bad = [f"answer lacks {exc}"]
            area.total += 1
            area.passed += not bad
            if bad:
                area.failures.append(f"{region}:{name}: {'; '.join(bad)}")
    return area


def shared_eval(base: str, what: str, label: str, needs: str) -> Area:
    runner: Callable[..., tuple[int, int]] = getattr(run_eval, f"run_{what}")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ok, total = runner(base, SHARED, False)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    area = Area(
        f"shared eval: {label}", passed=ok, total=total, metric="cases passed", failures=[line for line in lines[:-1]]
    )
    if ok == 0 and total and all("http 404" in f for f in area.failures):
        return not_available(area.name, f"{needs} does not exist")
    return area


def _kb_min_score() -> float:
    """The score from which the bot answers a policy question (actions/knowledge.py MIN_SCORE)."""
    tree = ast.parse((ROOT / "actions" / "knowledge.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "MIN_SCORE" for t in node.targets):
            return float(ast.literal_eval(node.value))
    return 0.0


def kb_heldout(base: str) -> tuple[Area, Area]:
    name = "knowledge base held-out"
    if not KB_HELDOUT.exists():
        return not_available(name, "data/kb_questions/heldout.yaml missing"), Area("", available=False)
    questions = yaml.safe_load(KB_HELDOUT.read_text(encoding="utf-8"))["questions"]
    min_score = _kb_min_score()
    hit = Area(f"{name}: answer hit@1", metric="hit@1")
    off = Area(f"{name}: off-topic left unanswered", metric="rejected")
    with httpx.Client(base_url=base, headers=AUTH, timeout=30) as http:
        for item in questions:
            params = {"q": str(item["q"]), "limit": 5, **({"region": item["region"]} if item.get("region") else {})}
            r = http.get("/v1/kb/search", params=params)
            if r.status_code == 404:
                return not_available(name, "GET /v1/kb/search does not exist"), Area("", available=False)
            results = r.json().get("results", []) if r.status_code == 200 else []
            entries = [x for x in results if x.get("kind") == "entry"]
            top = entries[0]["id"] if entries else None
            answered = bool(entries) and float(entries[0]["score"]) >= min_score
            if item.get("expected") is None:
                off.total += 1
                off.passed += not answered
                if answered:
                    off.failures.append(f"{item['q']} → answered with {top} ({entries[0]['score']:.1f})")
            else:
                hit.total += 1
                hit.passed += top == item["expected"]
                if top != item["expected"]:
                    hit.failures.append(f"{item['q']} → {top or 'nothing'} (want {item['expected']})")
    off.note = f"no entry scoring ≥ {min_score:g}"
    return hit, off


def nlu_heldout(rasa: str, rasa_token: str) -> Area:
    name = "NLU held-out: intent accuracy"
    if not NLU_HELDOUT.exists():
        return not_available(name, "data/nlu_heldout/messages.yml missing")
    messages = yaml.safe_load(NLU_HELDOUT.read_text(encoding="utf-8"))["messages"]
    area = Area(name, metric="intent accuracy")
    with httpx.Client(base_url=rasa, timeout=30) as http:
        for item in messages:
            r = http.post("/model/parse", params={"token": rasa_token}, json={"text": str(item["text"])})
            if r.status_code != 200:
                return not_available(name, f"Rasa /model/parse answered {r.status_code}")
            got = (r.json().get("intent") or {}).get("name")
            area.total += 1
            area.passed += got == item["intent"]
            if got != item["intent"]:
                area.failures.append(f"{item['text']} → {got} (want {item['intent']})")
    return area


def _ratio_area(name: str, ratio: answers_eval.Ratio, metric: str, note: str = "") -> Area:
    return Area(name, passed=ratio.hit, total=ratio.total, metric=metric, failures=ratio.failures, note=note)


def answers_heldout(
    base: str, rasa: str, transport: httpx.BaseTransport | None = None, rasa_token: str | None = None
) -> list[Area]:
    name = "answers (held-out)"
    figures, why = answers_eval.run(base, rasa, transport=transport, rasa_token=rasa_token)
    if figures is None:
        return [not_available(name, why)]
    f = figures
    areas = [
        _ratio_area(
            f"{name}: answer accuracy", f.accuracy, "right topic or abstained", f"goal ≥ {answers_eval.ACCURACY_GOAL:g}"
        ),
        _ratio_area(
            f"{name}: wrong-confident",
            f.wrong_confident,
            "cited answer to another question",
            f"goal ≤ {answers_eval.WRONG_CONFIDENT_GOAL:g}, lower is better",
        ),
        _ratio_area(f"{name}: abstention precision", f.abstain_precision, "abstained rightly"),
        _ratio_area(f"{name}: abstention recall", f.abstain_recall, "abstain-labelled abstained"),
        _ratio_area(f"{name}: right topic offered", f.offered, "wrong abstentions offering it to tap"),
    ]
    areas += [_ratio_area(f"{name} · {c}", r, "accuracy") for c, r in sorted(f.by_coverage.items())]
    areas += [_ratio_area(f"{name} · {g}", r, "group accuracy") for g, r in sorted(f.by_group.items())]
    areas.append(_ratio_area(f"{name}: region understood", f.region, "city in the text → its region"))
    if f.intent_unavailable:
        areas.append(not_available(f"{name}: intent accuracy", f.intent_unavailable))
    else:
        areas.append(_ratio_area(f"{name}: intent accuracy", f.intent, "intent accuracy"))
    return areas


# --- running it -------------------------------------------------------------------------------


@contextlib.contextmanager
def product() -> Iterator[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory(prefix="eval-") as tmp:
        print("==> 启动产品（API、动作服务器、Rasa）…", file=sys.stderr, flush=True)
        with Stack(workdir=Path(tmp)).running() as stack:
            yield stack.api, stack.rasa, stack.rasa_token


def evaluate(base: str, rasa: str, rasa_token: str) -> list[Area]:
    areas = [rule_scenarios(base)]
    for what, label, needs in (
        ("eligibility", "eligibility", "POST /v1/eligibility/evaluate"),
        ("chat", "conversations", "POST /v1/chat"),
        ("claims", "claims and check-ins", "POST /v1/claims"),
    ):
        try:
            areas.append(shared_eval(base, what, label, needs))
        except (OSError, KeyError, RuntimeError) as exc:
            areas.append(not_available(f"shared eval: {label}", f"{type(exc).__name__}: {exc}"))
    areas.extend(a for a in kb_heldout(base) if a.name)
    areas.append(nlu_heldout(rasa, rasa_token))
    areas.extend(answers_heldout(base, rasa, rasa_token=rasa_token))
    return areas


def render(areas: list[Area], *, verbose: bool, seconds: float) -> str:
    width = max(len(a.name) for a in areas) + 2
    lines = [f"{'area':<{width}}{'count':>10}  {'rate':>7}  measure", "-" * (width + 40)]
    for a in areas:
        if not a.available:
            lines.append(f"{a.name:<{width}}{'not available':>10}           ({a.note})")
            continue
        extra = f" ({a.note})" if a.note else ""
        lines.append(f"{a.name:<{width}}{f'{a.passed}/{a.total}':>10}  {a.rate:>7}  {a.metric}{extra}")
    lines.append(f"({seconds:.0f} s)")
    for a in areas:
        if a.available and a.failures:
            shown = a.failures if verbose else a.failures[:25]
            lines += ["", f"failing — {a.name} ({len(a.failures)}):"] + [f"  {f}" for f in shown]
            if len(shown) < len(a.failures):
                lines.append(f"  … {len(a.failures) - len(shown)} more (-v lists all)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", help="a running API (default: start the product)")
    parser.add_argument("--rasa", help="that product's Rasa (for /model/parse)", default="http://127.0.0.1:5005")
    parser.add_argument(
        "--rasa-token",
        help="that Rasa's --auth-token (default: RASA_TOKEN or the development value)",
        default=os.environ.get("RASA_TOKEN", "dev-rasa-token"),
    )
    parser.add_argument("-v", action="store_true", help="list every failing case")
    args = parser.parse_args(argv)
    started = time.monotonic()
    given = (args.base.rstrip("/") if args.base else "", args.rasa.rstrip("/"), args.rasa_token)
    ctx: contextlib.AbstractContextManager[tuple[str, str, str]] = (
        contextlib.nullcontext(given) if args.base else product()
    )
    try:
        with ctx as (base, rasa, rasa_token):
            httpx.get(f"{base}/healthz", timeout=5).raise_for_status()
            areas = evaluate(base, rasa, rasa_token)
    except (httpx.HTTPError, RuntimeError, TimeoutError) as exc:
        print(f"无法启动或连接产品：{type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print(render(areas, verbose=args.v, seconds=time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
