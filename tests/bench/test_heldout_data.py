"""The topic inventory and the held-out answers set keep the shape issue 13 asks for.

These check the files, not the product: every label is a topic, the existing KB entries
keep their ids, the set covers all six regions, enough questions lie outside the first
35 topics, and about 15-20% must be abstained on.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from bench import answers_eval as ae

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = ROOT / "policy_kb" / "kb" / "entries"
WRITER_OF_GROUP = {
    **dict.fromkeys(["eligibility", "application", "payment", "monthly", "stop", "backpay", "medical", "death"], 1),
    **dict.fromkeys(["moving", "disputes", "special", "related", "out_of_scope"], 2),
}
REGIONS = {"120000", "210000", "500000", "370000", "371500", "150000"}


def _topics_file() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ae.TOPICS.read_text(encoding="utf-8"))
    return data


def test_inventory_has_at_least_120_well_formed_topics() -> None:
    data = _topics_file()
    topics = data["topics"]
    assert isinstance(topics, list) and len(topics) >= 120
    ids = [t["id"] for t in topics]
    assert len(ids) == len(set(ids))
    assert set(WRITER_OF_GROUP) == set(data["groups"])
    for t in topics:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", t["id"]), t
        assert t["group"] in WRITER_OF_GROUP and t["kind"] in {"answer", "pointer"}, t
        assert re.search(r"[\u4e00-\u9fff]", t["title"]), t
        assert t["sources"] == "none" or (isinstance(t["sources"], list) and t["sources"]), t
        if t["kind"] == "answer":
            assert t["sources"] != "none", f"{t['id']}: an answer topic names its sources"
        if not t.get("existing"):
            assert t.get("writer") == WRITER_OF_GROUP[t["group"]], t


def test_existing_entries_keep_their_ids() -> None:
    existing = {t["id"] for t in _topics_file()["topics"] if t.get("existing")}
    # The first 35 entries are marked existing; the inventory's new topics have entries since.
    assert existing <= {p.stem for p in ENTRIES.glob("*.yaml")}


def test_every_group_has_new_topics() -> None:
    new = Counter(t["group"] for t in _topics_file()["topics"] if not t.get("existing"))
    assert set(new) == set(WRITER_OF_GROUP)


def test_heldout_set_shape() -> None:
    topics = ae.load_topics()
    questions = ae.load_questions()  # raises on a label that is not a topic
    assert len(questions) >= 220
    assert len({q.text for q in questions}) == len(questions), "duplicate questions"
    outside = [q for q in questions if not q.may_abstain and all(not topics[t].get("existing") for t in q.labels)]
    assert len(outside) >= 70
    share = sum(q.must_abstain for q in questions) / len(questions)
    assert 0.15 <= share <= 0.20, share
    regions = {q.region for q in questions} | {q.expect_region for q in questions}
    assert regions >= REGIONS and None in {q.region for q in questions}
    for q in questions:
        assert q.region is None or q.region in REGIONS, q
        assert q.expect_region is None or q.expect_region in REGIONS, q
        assert q.date is None or re.fullmatch(r"20\d\d-\d\d-\d\d", q.date), q


def test_heldout_intents_are_domain_intents() -> None:
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    intents = set(domain["intents"])
    for q in ae.load_questions():
        assert q.intents <= intents, q


def test_heldout_set_is_not_in_the_tuned_data() -> None:
    """No held-out question appears verbatim in the KB entries, bot data or the other held-out sets."""
    texts = {q.text for q in ae.load_questions() if len(q.text) >= 6}
    tuned = [
        *ENTRIES.glob("*.yaml"),
        *(ROOT / "bot" / "data").rglob("*.yml"),
        *(ROOT / "data" / "kb_questions").glob("*"),
        *(ROOT / "data" / "nlu_heldout").glob("*"),
    ]
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in tuned if p.is_file())
    leaked = sorted(t for t in texts if t in corpus)
    assert not leaked, leaked
