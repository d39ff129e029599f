"""Held-out NLU and answer accuracy of the assistant (data/nlu_heldout/, never trained on).

Run in the Rasa environment from the project root, after `scripts/train.sh`:

    PYTHONPATH=bot .venv-bot/bin/python bench/nlu_heldout.py [--api http://127.0.0.1:8000]

Intent accuracy: the trained model's intent equals the label.
Answer accuracy: the message reaches the right reply. The predicted intent must lead
to the same action as the label (complain, request_human and dispute_decision all
hand over; report_new_job is answered like a policy question); for a policy question
the knowledge base's best hit above the action's own threshold (or the fallback's
stricter one, when the model did not recognise the question) must be the labelled
entry. Needs the API for policy questions; without it only intent figures are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bot")]

from actions.api_client import ApiError, ApiUnavailable, aclose, call  # noqa: E402
from actions.knowledge import ask  # noqa: E402
from actions.text import is_emoji_only, is_foreign  # noqa: E402

ROUTE = {
    "ask_policy": "answer",
    "report_new_job": "answer",
    "complain": "handoff",
    "request_human": "handoff",
    "dispute_decision": "handoff",
    "give_id": "number",
    "give_code": "number",
}


def route(intent: str) -> str:
    return ROUTE.get(intent, intent)


async def kb_top(text: str, region: str | None) -> str | None:
    """The topic the assistant answers with (POST /v1/answers, as the actions ask), None when it abstains."""
    found = await ask(text, region)
    return None if found.get("abstained") else found.get("topic")


async def answer_ok(item: dict[str, Any], predicted: str, api: bool) -> bool | None:
    """True/False, or None when it cannot be judged without the API."""
    want = item["intent"]
    entries = item.get("entry")
    entries = [entries] if isinstance(entries, str) else (entries or [])
    text = item["text"]
    if route(want) != "answer" or not entries:
        if predicted == "nlu_fallback" and want != "nlu_fallback":
            return False
        return route(predicted) == route(want)
    if not api:
        return None
    if route(predicted) == "answer":
        return await kb_top(text, item.get("region")) in entries
    if predicted == "nlu_fallback" and not (is_emoji_only(text) or is_foreign(text)):
        return await kb_top(text, item.get("region")) in entries
    return False


def quiet() -> None:
    """Rasa logs every parse at debug level through structlog: keep warnings only."""
    import logging

    import structlog

    logging.basicConfig(level=logging.WARNING)
    for name in ("rasa", "tensorflow", "absl", "jieba"):
        logging.getLogger(name).setLevel(logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(ROOT / "models" / "assistant.tar.gz"))
    parser.add_argument("--data", default=str(ROOT / "data" / "nlu_heldout" / "messages.yml"))
    parser.add_argument("--api", default=os.environ.get("API_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--intent-only", action="store_true", help="skip the knowledge-base check")
    parser.add_argument("-v", action="store_true", help="list every miss")
    args = parser.parse_args()
    os.environ["API_URL"] = args.api

    quiet()
    from rasa.core.agent import Agent

    items = yaml.safe_load(Path(args.data).read_text(encoding="utf-8"))["messages"]
    agent = Agent.load(args.model)
    api = not args.intent_only
    if api:
        try:
            await call("GET", "/healthz", timeout=3)
        except (ApiUnavailable, ApiError):
            print(f"API {args.api} not reachable: answer accuracy of policy questions not measured")
            api = False

    intent_ok = 0
    answers: list[bool] = []
    confusions: Counter[tuple[str, str]] = Counter()
    started = time.perf_counter()
    for item in items:
        item["text"] = str(item["text"])
        parsed = await agent.parse_message(item["text"])
        predicted = parsed["intent"]["name"]
        if predicted == item["intent"]:
            intent_ok += 1
        else:
            confusions[(item["intent"], predicted)] += 1
        verdict = await answer_ok(item, predicted, api)
        if verdict is not None:
            answers.append(verdict)
        if args.v and (predicted != item["intent"] or verdict is False):
            print(
                f"  miss: {item['text']!r} want {item['intent']}/{item.get('entry')} got {predicted} answer={verdict}"
            )
    elapsed = time.perf_counter() - started
    await aclose()

    total = len(items)
    print(f"held-out messages: {total} ({elapsed / total * 1000:.0f} ms per parse)")
    print(f"intent accuracy:  {intent_ok}/{total} = {intent_ok / total:.3f}")
    if answers and not args.intent_only:
        label = "answer accuracy:" if api else "answer accuracy (non-policy only, API down):"
        print(f"{label} {sum(answers)}/{len(answers)} = {sum(answers) / len(answers):.3f}")
    if confusions:
        worst = ", ".join(f"{a}→{b}×{n}" for (a, b), n in confusions.most_common(6))
        print(f"most frequent confusions: {worst}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
