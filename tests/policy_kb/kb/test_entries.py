"""Entries load only when valid: schema, sources, verbatim quotes; every answer renders everywhere."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from policy_kb import RuleBase, default_rule_base
from policy_kb.kb import DocumentSet, EntryError, KnowledgeBase, load_entries
from policy_kb.kb.loader import ENTRIES_DIR
from policy_kb.kb.models import PLACEHOLDER
from policy_kb.kb.render import render_entry
from policy_kb.sources import load_documents

TOPICS = {
    "eligibility", "voluntary_resignation", "how_to_apply", "online_apply", "unemployment_registration",
    "review_time", "reapply", "duration", "carried_over", "benefit_amount", "medical_insurance",
    "medical_refund", "monthly_checkin", "missed_checkin", "backpay", "stop_events", "stop_reporting",
    "non_concurrent", "overpayment", "near_retirement", "retirement_age", "dispute_reason", "skill_subsidy",
    "job_retention_refund", "moving_regions", "death_during_benefit", "documents_short_term_older",
    "complaint", "sixty_day_window", "notice_form", "personnel_file",
}  # fmt: skip
DATES = [date(2025, 1, 2), date(2025, 9, 1), date(2026, 1, 1), date(2026, 11, 21), date(2028, 12, 31), date(2029, 6, 1)]


@pytest.fixture(scope="module")
def documents() -> DocumentSet:
    return DocumentSet()


def _copy_entries(tmp_path: Path) -> Path:
    target = tmp_path / "entries"
    shutil.copytree(ENTRIES_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_issue_topic_has_an_entry(kb: KnowledgeBase) -> None:
    assert {entry.id for entry in kb.entries} >= TOPICS


def test_documents_are_those_of_the_rule_base_registry(documents: DocumentSet) -> None:
    assert set(documents.documents) <= set(load_documents())


def test_a_quote_changed_by_one_character_is_refused(tmp_path: Path, documents: DocumentSet) -> None:
    entries = _copy_entries(tmp_path)
    _edit(entries / "review_time.yaml", "说明原因及处置方式", "说明原因和处置方式")
    with pytest.raises(EntryError, match="quote not found verbatim"):
        load_entries(documents, entries)


def test_a_quote_from_another_document_is_refused(tmp_path: Path, documents: DocumentSet) -> None:
    # 渝人社办 words cited as if they were the national notice's.
    entries = _copy_entries(tmp_path)
    national = "      - document: 人社厅发〔2024〕60号\n        clause: 一\n        quote: 审核不通过"
    _edit(entries / "review_time.yaml", national, national.replace("人社厅发〔2024〕60号", "渝人社办〔2025〕112号"))
    with pytest.raises(EntryError, match="quote not found verbatim"):
        load_entries(documents, entries)


def test_an_unknown_document_is_refused(tmp_path: Path, documents: DocumentSet) -> None:
    entries = _copy_entries(tmp_path)
    _edit(entries / "complaint.yaml", "document: 人社厅发〔2024〕60号", "document: 某某通知")
    with pytest.raises(EntryError, match="unknown document"):
        load_entries(documents, entries)


def test_a_statement_without_source_is_refused(tmp_path: Path, documents: DocumentSet) -> None:
    entries = _copy_entries(tmp_path)
    path = entries / "carried_over.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["answer"].append({"text": "另外还可以多领一个月。"})
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(EntryError, match="without a source"):
        load_entries(documents, entries)


def test_a_duplicate_id_and_a_bad_region_key_are_refused(tmp_path: Path, documents: DocumentSet) -> None:
    entries = _copy_entries(tmp_path)
    shutil.copy(entries / "duration.yaml", entries / "zz_duration_again.yaml")
    with pytest.raises(EntryError, match="used twice"):
        load_entries(documents, entries)
    (entries / "zz_duration_again.yaml").unlink()
    _edit(entries / "backpay.yaml", '"120000":', '"tianjin":')
    with pytest.raises(EntryError, match="region code"):
        load_entries(documents, entries)


def test_numbers_of_the_rule_base_are_templates_not_retyped(kb: KnowledgeBase) -> None:
    """7/10 working days, 3 months of back-pay, 20 working days, 24 months come from the rule base."""
    for entry in kb.entries:
        for statement in entry.all_statements():
            plain = PLACEHOLDER.sub("", statement.text)
            assert not re.search(r"\d+\s*个工作日", plain), (entry.id, statement.text)
            assert not re.search(r"最多(补发)?\d+个月|不超过\d+个月|最长\d+个月", plain), (entry.id, statement.text)


@pytest.mark.parametrize("on", DATES, ids=str)
def test_every_entry_renders_for_every_region(kb: KnowledgeBase, on: date) -> None:
    rules: RuleBase = default_rule_base()
    for entry in kb.entries:
        for region in rules.region_codes:
            rendered = render_entry(entry, rule_base=rules, region_code=region, on=on)
            assert "{" not in rendered.text and "}" not in rendered.text
            assert rendered.citations, (entry.id, region)
            # Short enough for a phone screen.
            assert len(rendered.text) <= 170, (entry.id, region, len(rendered.text))


def test_rule_value_citations_join_the_answer(kb: KnowledgeBase, on: date) -> None:
    hit = kb.render("review_time", None, on=on)
    review = default_rule_base().value("CN", "review.working_days", on)
    assert set(review.citations) <= set(hit.citations)
    assert "10个工作日" in hit.body
