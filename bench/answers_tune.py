"""Answer-or-abstain figures on the TUNING split (data/kb_questions/tune.yaml) only.

    .venv/bin/python bench/answers_tune.py [--failures] [--grid]

The held-out sets are never read here: the thresholds of policy_kb/kb/decide.py
are chosen on these figures. Each question goes the answer path's way: the long
message clipped to its last question (with the story's reason for leaving), the
knowledge base's decision on it.

`expected` is an entry id or null (abstain); `also` lists other right outcomes, as the
held-out labels allow several topics: a narrower entry that settles the question too,
or, for a matter of another programme, its pointer entry next to an abstention
(`expected: null, also: [housing_fund_pointer]`) or an abstention next to an entry
(`also: [null]`).

- answer accuracy: questions with an expected entry answered with one of them;
- wrong-confident rate: questions answered (with citations) by another entry,
  off-topic ones included, over all questions;
- abstention precision / recall: of the abstentions, how many were right to
  abstain (expected null only); of the questions to abstain on, how many did (items
  whose label allows an entry or an abstention are left out of both).
`--grid` tries threshold combinations and prints the best few by
accuracy − 5 × wrong-confident rate (a wrong cited answer costs more than a
"not sure").
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policy_kb.kb import KnowledgeBase  # noqa: E402
from policy_kb.kb.abstain import suggested_topics  # noqa: E402
from policy_kb.kb.decide import Thresholds, question_to_decide  # noqa: E402
from policy_kb.kb.facts import understand  # noqa: E402
from policy_kb.kb.second_opinion import Opinion  # noqa: E402

ON = date(2026, 11, 21)
TUNE = ROOT / "data" / "kb_questions" / "tune.yaml"
# Fresh sets kept to check a change made on the tuning splits: their figures are read, their
# failing questions never are (once read, a set becomes a tuning split, as dev.yaml did).
VALIDATION = frozenset({"dev2.yaml"})


@dataclass
class Figures:
    n: int
    positives: int
    negatives: int
    right: int
    wrong_confident: int
    abstained: int
    abstained_right: int
    failures: list[tuple[str, str, str | None, str]]
    # After an abstention on a question with an entry: was the entry offered to tap ("您想问的是不是")?
    missed: int = 0
    missed_offered: int = 0
    # After a right abstention (nothing to answer): were entries offered all the same?
    offered_needlessly: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.positives if self.positives else 0.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong_confident / self.n if self.n else 0.0

    @property
    def precision(self) -> float:
        return self.abstained_right / self.abstained if self.abstained else 1.0

    @property
    def recall(self) -> float:
        return self.abstained_right / self.negatives if self.negatives else 1.0


def labels(item: dict[str, Any]) -> frozenset[str | None]:
    """The right outcomes of one item: entry ids, None for an abstention."""
    right = [item["expected"], *(item.get("also") or [])]
    return frozenset(None if e is None else str(e) for e in right)


def questions(path: Path = TUNE) -> list[dict[str, Any]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    items: list[dict[str, Any]] = raw["questions"]
    return items


Ranked = tuple[list[str], list[tuple[str, float]], Opinion | None]


def rank(kb: KnowledgeBase, items: list[dict[str, Any]]) -> list[Ranked]:
    """Each question's decision tokens and ranked entries: computed once, decided many times."""
    out: list[Ranked] = []
    for item in items:
        text = str(item["q"])
        facts = understand(text, ON)  # as the answer service does with a story
        question = question_to_decide(text, facts.leaving_reason, places=facts.contribution_places)
        hits = kb.search(question, item.get("region"), 3, on=ON, include_clauses=False)
        ranked = [(hit.entry_id, hit.score) for hit in hits]
        out.append((kb.notion_tokens(question), ranked, kb.opinion(question)))
    return out


def measure(kb: KnowledgeBase, items: list[dict[str, Any]], ranked: list[Ranked]) -> Figures:
    figures = Figures(len(items), 0, 0, 0, 0, 0, 0, [])
    for item, (tokens, entries, opinion) in zip(items, ranked, strict=True):
        allowed = labels(item)
        must_abstain = allowed == {None}
        either = None in allowed and not must_abstain
        decision = kb.decider.decide(tokens, entries, opinion)
        got = decision.entry_id
        if got is None:
            offered = set(suggested_topics(decision.reason, decision.candidates, kb.decider.thresholds.min_score))
            if must_abstain:
                figures.offered_needlessly += bool(offered)
            elif not either:
                figures.missed += 1
                figures.missed_offered += bool(offered & allowed)
        figures.positives += not must_abstain
        figures.negatives += must_abstain
        if got is None:
            if not either:
                figures.abstained += 1
                figures.abstained_right += must_abstain
            figures.right += either
        elif got in allowed:
            figures.right += 1
        else:
            figures.wrong_confident += 1
        if got not in allowed:
            detail = f"{decision.reason} {decision.candidates[:2]} missing={list(decision.missing)}"
            shown = "|".join(sorted("null" if e is None else e for e in allowed))
            figures.failures.append((str(item["q"]), shown, got, detail))
    return figures


def show(figures: Figures, label: str) -> None:
    print(
        f"{label}: {figures.n} questions ({figures.positives} with an entry, {figures.negatives} to abstain on)\n"
        f"  answer accuracy {figures.accuracy:.3f} ({figures.right}/{figures.positives})"
        f"   wrong-confident {figures.wrong_rate:.3f} ({figures.wrong_confident}/{figures.n})\n"
        f"  abstention precision {figures.precision:.3f} ({figures.abstained_right}/{figures.abstained})"
        f"   recall {figures.recall:.3f} ({figures.abstained_right}/{figures.negatives})\n"
        f"  offered to tap after a wrong abstention {figures.missed_offered}/{figures.missed}"
        f"   after a right one {figures.offered_needlessly}/{figures.negatives}"
    )


def grid(kb: KnowledgeBase, items: list[dict[str, Any]], ranked: list[Ranked]) -> None:
    base = kb.decider.thresholds
    results = []
    for score, coverage, reverse, margin, unknown, key in itertools.product(
        (6.0, 8.0, 10.0, 12.0),
        (0.4, 0.5, 0.6, 0.7),
        (0.3, 0.4, 0.5, 0.6),
        (0.0, 0.05, 0.1, 0.15),
        (2.0, 3.0, 4.0),
        (0.25, 0.35, 0.5),
    ):
        kb.decider.thresholds = replace(
            base,
            min_score=score,
            min_coverage=coverage,
            min_reverse=reverse,
            min_margin=margin,
            unknown_weight=unknown,
            key_share=key,
        )
        f = measure(kb, items, ranked)
        results.append((f.accuracy - 5 * f.wrong_rate, f, kb.decider.thresholds))
    kb.decider.thresholds = base
    for objective, f, t in sorted(results, key=lambda r: -r[0])[:8]:
        print(
            f"{objective:.3f}  acc {f.accuracy:.3f} wrong {f.wrong_rate:.3f} prec {f.precision:.3f} "
            f"rec {f.recall:.3f}  score {t.min_score} cov {t.min_coverage} rev {t.min_reverse} "
            f"margin {t.min_margin} unknown {t.unknown_weight} key {t.key_share}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--failures", action="store_true", help="list every question decided wrongly")
    parser.add_argument("--grid", action="store_true", help="search the thresholds")
    parser.add_argument(
        "--questions", type=Path, default=TUNE, help="another tuning file of the same shape (never a held-out set)"
    )
    args = parser.parse_args()
    if "heldout" in args.questions.name or "answers_heldout" in str(args.questions):
        parser.error("the held-out sets are never tuned on")
    if args.questions.name in VALIDATION and (args.failures or args.grid):
        parser.error(f"{args.questions.name} is a validation split: its aggregate figures only, never its failures")
    kb = KnowledgeBase.load()
    items = questions(args.questions)
    ranked = rank(kb, items)
    if args.grid:
        grid(kb, items, ranked)
    figures = measure(kb, items, ranked)
    show(figures, f"{args.questions.name}, thresholds {Thresholds.__name__}={kb.decider.thresholds}")
    if args.failures:
        for question, expected, got, detail in figures.failures:
            print(f"  {question!r}: expected {expected}, got {got} ({detail})")


if __name__ == "__main__":
    main()
