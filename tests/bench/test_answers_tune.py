"""The tuning bench (bench/answers_tune.py): its labels and the figures the thresholds were chosen on."""

from __future__ import annotations

import pytest

from bench import answers_tune as tune


def test_also_adds_right_outcomes_null_among_them() -> None:
    assert tune.labels({"q": "问", "expected": "eligibility"}) == {"eligibility"}
    assert tune.labels({"q": "问", "expected": None}) == {None}
    pointer = {"q": "问", "expected": None, "also": ["housing_fund_pointer"]}
    assert tune.labels(pointer) == {None, "housing_fund_pointer"}
    assert tune.labels({"q": "问", "expected": "payment", "also": [None]}) == {"payment", None}


def test_an_entry_or_abstention_item_counts_in_accuracy_not_in_abstention() -> None:
    kb = tune.KnowledgeBase.load()
    items = [
        {"q": "今天天气怎么样", "expected": None, "also": ["eligibility"]},  # abstains: right, no abstention figure
        {"q": "今天天气怎么样", "expected": None},
        {"q": "主动辞职能领失业金吗", "expected": "eligibility"},  # answered by another entry: wrong-confident
    ]
    figures = tune.measure(kb, items, tune.rank(kb, items))
    assert (figures.right, figures.positives, figures.negatives) == (1, 2, 1)
    assert (figures.abstained, figures.abstained_right) == (1, 1)
    assert figures.wrong_confident == 1


@pytest.mark.slow
def test_tune_split_keeps_its_wrong_confident_rate() -> None:
    """The thresholds of decide.py were chosen on these figures: a change that raises them fails here.

    Measured 7/309 (2.3%) when the split was broadened; 18/441 (4.1%, accuracy 0.840) after the
    125 questions of 2026-12-03, written before tuning on them (0.750 / 8.8% on those alone
    before any change); 10/456 (2.2%, accuracy 0.909) with the classifier's second opinion, and
    12/456 (0.906) after 525 more sample questions; 22/501 (4.4%) once 45 near-domain questions to
    abstain on were added (2026-12-04), 17/501 (3.4%, 0.904) with the rule that an entry leaving a
    notion unaddressed needs the second opinion; 16/501 (3.2%, 0.901) after 608 more sample questions
    (blind to every set) and the second opinion's thresholds chosen again on tune and dev. The goal is
    2%; this guard holds the level reached.
    """
    kb = tune.KnowledgeBase.load()
    items = tune.questions()
    figures = tune.measure(kb, items, tune.rank(kb, items))
    assert figures.wrong_rate <= 0.035, figures.failures
    assert figures.accuracy >= 0.88


@pytest.mark.parametrize("flag", ["--failures", "--grid"])
def test_a_validation_split_shows_its_figures_only(monkeypatch: pytest.MonkeyPatch, flag: str) -> None:
    monkeypatch.setattr("sys.argv", ["answers_tune.py", flag, "--questions", "data/kb_questions/dev2.yaml"])
    with pytest.raises(SystemExit) as refused:
        tune.main()
    assert refused.value.code == 2
