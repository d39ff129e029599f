"""An answer cites only its own region's texts (and national ones), and only texts in force on the date.

A claimant in one region must never be given another region's rule, nor a rule
whose notice has not started or has expired: rendered for every region, on the
days around each notice's start and end, every citation belongs to a document
of the asker's rule layers (the region, its parents, national) that is in force.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from policy_kb import RuleBase, default_rule_base
from policy_kb.kb import KnowledgeBase
from policy_kb.kb.loader import ENTRIES_DIR
from policy_kb.kb.render import render_entry
from policy_kb.rulebase import NATIONAL

# The national baseline every answer builds on (人社厅发〔2024〕60号 from 2024-12-30, the retirement
# reform from 2025-01-01): earlier dates are out of scope.
BASELINE_START = date(2025, 1, 1)


def _dates(rules: RuleBase) -> list[date]:
    """The day before, of and after each notice's start and end, from the national baseline on."""
    days: set[date] = set()
    for code in rules.region_codes:
        for doc in rules.documents_in_force(code):
            for edge in (doc.effective_from, doc.effective_to):
                if edge is not None:
                    days |= {edge - timedelta(days=1), edge, edge + timedelta(days=1)}
    return sorted(day for day in days if day >= BASELINE_START)


@pytest.mark.parametrize("entry_id", sorted(path.stem for path in ENTRIES_DIR.glob("*.yaml")))
def test_citations_belong_to_the_askers_layers_and_are_in_force(kb: KnowledgeBase, entry_id: str) -> None:
    rules = default_rule_base()
    region_of = {doc.name: doc.region for doc in kb.documents.documents.values()}
    entry = kb.entry(entry_id)
    for on in _dates(rules):
        for code in rules.region_codes:
            layers = {layer.code for layer in rules.chain(code)} | {NATIONAL}
            listed = {doc.document for doc in rules.documents_in_force(code)}
            current = {doc.document for doc in rules.documents_in_force(code, on)}
            rendered = render_entry(entry, rule_base=rules, region_code=code, on=on)
            for citation in rendered.citations:
                where = (entry_id, code, on, citation.document)
                assert region_of[citation.document] in layers, where
                assert citation.document not in listed or citation.document in current, where


def test_a_regional_answer_is_not_given_before_its_notice_starts(kb: KnowledgeBase) -> None:
    # Tianjin's notice starts 2026-01-01: the day before, a Tianjin asker gets the national answer.
    rules = default_rule_base()
    entry = kb.entry("checkin_window")
    before = render_entry(entry, rule_base=rules, region_code="120000", on=date(2025, 12, 31))
    on_start = render_entry(entry, rule_base=rules, region_code="120000", on=date(2026, 1, 1))
    assert before.variant_region is None and "5日至25日" not in before.text
    assert on_start.variant_region == "120000" and "每月5日至25日" in on_start.text
