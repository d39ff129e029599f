"""Knowledge-base retrieval figures: hit@1 / hit@3 on the held-out questions, search latency.

    .venv/bin/python bench/kb_search.py [--split heldout|tune] [--rounds 5]

hit@k counts the entries among the first k results (clauses of the notices are
left out: the labels name entries). Latency is one `KnowledgeBase.search` call
(limit 5, clauses included) on an index built once, over every labelled question
repeated `rounds` times. Prints figures only; it is a script, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policy_kb.kb import KnowledgeBase  # noqa: E402

ON = date(2026, 11, 21)


def _questions(split: str) -> list[dict[str, str | None]]:
    raw = yaml.safe_load((ROOT / "data" / "kb_questions" / f"{split}.yaml").read_text(encoding="utf-8"))
    questions: list[dict[str, str | None]] = raw["questions"]
    return questions


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="heldout", choices=["heldout", "tune"])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    kb = KnowledgeBase.load()
    build = time.perf_counter() - started

    items = _questions(args.split)
    positives = [q for q in items if q["expected"] is not None]
    negatives = [q for q in items if q["expected"] is None]
    top1 = top3 = answered_right = 0
    for item in positives:
        question = str(item["q"])
        hits = kb.search(question, item.get("region"), 3, on=ON, include_clauses=False)
        ids = [hit.entry_id for hit in hits]
        top1 += ids[:1] == [item["expected"]]
        top3 += item["expected"] in ids
        answer = kb.answer(question, item.get("region"), on=ON)
        answered_right += answer is not None and answer.entry_id == item["expected"]
    rejected = sum(kb.answer(str(item["q"]), item.get("region"), on=ON) is None for item in negatives)

    everything = [q for split in ("tune", "heldout") for q in _questions(split)]
    kb.search("预热", None, 5, on=ON)
    latencies: list[float] = []
    for _ in range(args.rounds):
        for item in everything:
            t0 = time.perf_counter()
            kb.search(str(item["q"]), item.get("region"), 5, on=ON)
            latencies.append((time.perf_counter() - t0) * 1000)

    n = len(positives)
    print(f"knowledge base: {len(kb.entries)} entries, {len(kb.documents.clauses)} clauses, built in {build:.2f} s")
    print(f"{args.split}: {n} questions with an expected entry, {len(negatives)} off-topic")
    print(f"  hit@1 {top1 / n:.3f} ({top1}/{n})   hit@3 {top3 / n:.3f} ({top3}/{n})")
    print(f"  answer() right {answered_right / n:.3f}; off-topic refused {rejected}/{len(negatives)}")
    print(
        f"search latency over {len(latencies)} calls: p50 {statistics.median(latencies):.2f} ms, "
        f"p99 {_percentile(latencies, 99):.2f} ms, max {max(latencies):.2f} ms"
    )


if __name__ == "__main__":
    main()
