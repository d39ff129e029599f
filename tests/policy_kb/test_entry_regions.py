"""Every KB entry, for every region, on the days around each notice's start (issue 13, Evidence).

An entry is rendered the way the product renders it (KnowledgeBase.render) for each region
and on the day before, the day of and the day after every notice's start (and the day after
Tianjin's notice expires). On each of those days the answer must

1. cite only the asker's own documents (its layer and the layers it inherits) and national
   ones - never another region's notice;
2. not show a rule of the asker's own region before that region's notice is in force (or
   after it has expired);
3. not cite a national text before it is in force (人社厅发〔2024〕60号 from 2024-12-30, the
   retirement reform from 2025-01-01).

A day on which the entry does not render at all (RenderError: no rule in force yet) shows
nothing and passes. New entries are picked up automatically.

The audit's defects (national answers citing regional notices, rules shown outside their
dates) were fixed by the rendering rules in policy_kb/kb/render.py; this keeps them fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import pytest

from policy_kb.kb import KnowledgeBase, RenderError, default_knowledge_base
from policy_kb.regions import resolve_region
from policy_kb.rulebase import NATIONAL

REGIONS = ("CN", "120000", "210000", "500000", "370000", "371500", "150000")


@dataclass(frozen=True)
class Window:
    start: date
    end: date | None

    def covers(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@cache
def kb() -> KnowledgeBase:
    return default_knowledge_base()


@cache
def document_regions() -> dict[str, str]:
    """Each citable document's region (policy_kb/kb/documents.yaml)."""
    return {name: doc.region for name, doc in kb().documents.documents.items()}


@cache
def windows() -> dict[str, Window]:
    """In-force dates of every document a rule layer lists (policy_kb/rules/*.yaml)."""
    out: dict[str, Window] = {}
    for code in REGIONS:
        for layer in kb().rule_base.chain(code):
            for doc in layer.documents:
                out[doc.document] = Window(doc.effective_from, doc.effective_to)
    return out


def window_of(document: str) -> Window:
    """A document no layer lists (e.g. 天津市按月申领时间说明) is in force from its issue date."""
    found = windows().get(document)
    return found if found is not None else Window(kb().rule_base.document(document).issued, None)


def notice_dates() -> list[date]:
    """The day before, of and after each notice's start, and the day after an expiry."""
    regions = document_regions()
    days: set[date] = set()
    for name, w in windows().items():
        if regions.get(name) != NATIONAL or name == "人社厅发〔2024〕60号":
            days |= {w.start - timedelta(days=1), w.start, w.start + timedelta(days=1)}
            if w.end is not None:
                days.add(w.end + timedelta(days=1))
    return sorted(days)


def own_regions(code: str) -> frozenset[str]:
    return frozenset(layer.code for layer in kb().rule_base.chain(code)) | {NATIONAL}


@cache
def renderings(entry_id: str, code: str) -> tuple[tuple[date, tuple[tuple[str, str], ...]], ...]:
    """(day, ((document, clause), ...)) for each notice date on which the entry renders."""
    region = None if code == NATIONAL else resolve_region(code)
    out: list[tuple[date, tuple[tuple[str, str], ...]]] = []
    for on in notice_dates():
        try:
            hit = kb().render(entry_id, region, on=on)
        except RenderError:
            continue  # nothing in force to say on that day: nothing shown
        out.append((on, tuple((c.document, c.clause) for c in hit.citations)))
    return tuple(out)


def other_region_citations(entry_id: str, code: str) -> list[str]:
    own, regions = own_regions(code), document_regions()
    found = {
        f"{doc} {clause} [{regions.get(doc, '?')}]"
        for _, cited in renderings(entry_id, code)
        for doc, clause in cited
        if regions.get(doc) not in own
    }
    return sorted(found)


def out_of_force_citations(entry_id: str, code: str, *, national: bool) -> list[str]:
    """Citations of the asker's own regional (or, with national=True, national) texts on days they are not in force."""
    own, regions = own_regions(code), document_regions()
    found: set[str] = set()
    for on, cited in renderings(entry_id, code):
        for doc, _clause in cited:
            region = regions.get(doc)
            wanted = region == NATIONAL if national else region in own and region != NATIONAL
            if wanted and not window_of(doc).covers(on):
                found.add(f"{doc} on {on}")
    return sorted(found)


def _cases() -> list[tuple[str, str]]:
    return [(entry.id, code) for entry in kb().entries for code in REGIONS]


def test_notice_dates_cover_every_notice() -> None:
    days = notice_dates()
    for name, w in windows().items():
        if document_regions().get(name) != NATIONAL:
            assert {w.start - timedelta(days=1), w.start, w.start + timedelta(days=1)} <= set(days), name
    assert date(2024, 12, 29) in days and date(2029, 1, 1) in days  # before 60号; after Tianjin's expiry


@pytest.mark.parametrize(("entry_id", "code"), _cases())
def test_cites_only_own_and_national_documents(entry_id: str, code: str) -> None:
    assert other_region_citations(entry_id, code) == []


@pytest.mark.parametrize(("entry_id", "code"), _cases())
def test_regional_rule_only_while_its_notice_is_in_force(entry_id: str, code: str) -> None:
    assert out_of_force_citations(entry_id, code, national=False) == []


@pytest.mark.parametrize(("entry_id", "code"), _cases())
def test_national_text_only_once_in_force(entry_id: str, code: str) -> None:
    assert out_of_force_citations(entry_id, code, national=True) == []
