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

Known defects (the issue's audit) are xfail(strict=True) with the defect named, so they
flip to XPASS - a failure - the day they are fixed: remove the line then.
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
ALL = frozenset(REGIONS)
NOT_SHANDONG = ALL - {"370000", "371500"}
NOT_TIANJIN = ALL - {"120000"}
NOT_CHONGQING = ALL - {"500000"}
SHANDONG = frozenset({"370000", "371500"})


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


# --- known defects (issue 13 audit) -----------------------------------------------------------
# entry -> (defect, the regions whose answer shows it). Only the coordinator's fixes should
# shrink these; a new failure is a new defect, not a line to add here.

AS_NATIONAL = "national answer states another region's rule as if national: {}"
EXAMPLE = "national answer (used for other regions) cites another region's notice as an example: {}"
OTHER_REGION: dict[str, tuple[str, frozenset[str]]] = {
    "how_to_apply": (AS_NATIONAL.format("鲁人社函〔2020〕10号 二（四）"), NOT_SHANDONG),
    "documents_short_term_older": (
        AS_NATIONAL.format("鲁人社函〔2020〕10号 二（四）"),
        frozenset({"CN", "120000", "150000", "500000"}),
    ),
    "overpayment": (AS_NATIONAL.format("天津 二, 渝人社办〔2025〕112号 三（四）"), ALL),
    "stop_reporting": (AS_NATIONAL.format("天津 二, 渝人社办〔2025〕112号 一（五）、三（四）"), ALL),
    "job_help": (AS_NATIONAL.format("渝人社办〔2025〕112号 二（三）、二（四）"), NOT_CHONGQING),
    "job_retention_refund": (AS_NATIONAL.format("鲁人社函〔2020〕10号 一（二）, 渝人社办〔2025〕112号 二（一）"), ALL),
    "online_apply": (AS_NATIONAL.format("鲁人社函〔2020〕10号 一（一）"), NOT_SHANDONG),
    "progress_query": (AS_NATIONAL.format("鲁人社函〔2020〕10号 一（一）"), NOT_SHANDONG),
    "backpay": (EXAMPLE.format("天津 一（二）, 渝人社办〔2025〕112号 一（四）"), NOT_CHONGQING),
    "monthly_checkin": (EXAMPLE.format("天津 一（二）, 渝人社办〔2025〕112号 一（四）"), ALL),
    "missed_checkin": (EXAMPLE.format("天津 一（二）, 渝人社办〔2025〕112号 一（四）"), ALL),
    "non_concurrent": (EXAMPLE.format("天津 二, 渝人社办〔2025〕112号 一（五）"), NOT_TIANJIN),
    "notice_form": (EXAMPLE.format("鲁人社函〔2020〕10号 五（九）"), NOT_SHANDONG),
    "personnel_file": (EXAMPLE.format("鲁人社函〔2020〕10号 二（四）"), NOT_SHANDONG),
    "sixty_day_window": (EXAMPLE.format("鲁人社函〔2020〕10号 二（四）"), NOT_SHANDONG),
}

EARLY = "KB answers ignore in-force dates: {} cited on a day it is not in force"
TJ_EARLY = EARLY.format("天津 notice (2026-01-01 to 2028-12-31)")
CQ_EARLY = EARLY.format("渝人社办〔2025〕112号 (from 2025-08-01)")
SD_EARLY = EARLY.format("鲁人社函〔2020〕10号 (from 2020-03-20)")
TJ, CQ = frozenset({"120000"}), frozenset({"500000"})
OWN_REGION_EARLY: dict[str, tuple[str, frozenset[str]]] = {
    "backpay": (CQ_EARLY, CQ),
    "job_help": (CQ_EARLY, CQ),
    "non_concurrent": (CQ_EARLY, CQ),
    "job_retention_refund": (EARLY.format("渝人社办〔2025〕112号 / 鲁人社函〔2020〕10号"), CQ | SHANDONG),
    "monthly_checkin": (EARLY.format("天津 notice / 渝人社办〔2025〕112号"), TJ | CQ),
    "overpayment": (EARLY.format("天津 notice / 渝人社办〔2025〕112号"), TJ | CQ),
    "stop_reporting": (EARLY.format("天津 notice / 渝人社办〔2025〕112号"), TJ | CQ),
    "missed_checkin": (TJ_EARLY, TJ),
    "how_to_apply": (SD_EARLY, SHANDONG),
    "notice_form": (SD_EARLY, SHANDONG),
    "online_apply": (SD_EARLY, SHANDONG),
    "personnel_file": (SD_EARLY, SHANDONG),
    "progress_query": (SD_EARLY, SHANDONG),
    "sixty_day_window": (SD_EARLY, SHANDONG),
}

N60_EARLY = (EARLY.format("人社厅发〔2024〕60号 (from 2024-12-30)"), ALL)
NATIONAL_EARLY: dict[str, tuple[str, frozenset[str]]] = {
    **dict.fromkeys(
        [
            "benefit_amount",
            "complaint",
            "fraud_warning",
            "how_to_apply",
            "medical_insurance",
            "medical_refund",
            "moving_regions",
            "progress_query",
            "reapply",
            "skill_subsidy",
            "unemployment_registration",
            "voluntary_resignation",
        ],
        N60_EARLY,
    ),
    "retirement_age": (EARLY.format("the retirement reform (from 2025-01-01)"), ALL),
}


def _case(entry_id: str, code: str, known: dict[str, tuple[str, frozenset[str]]]) -> object:
    defect = known.get(entry_id)
    if defect is not None and code in defect[1]:
        return pytest.param(entry_id, code, marks=pytest.mark.xfail(strict=True, reason=defect[0]))
    return pytest.param(entry_id, code)


def _cases(known: dict[str, tuple[str, frozenset[str]]]) -> list[object]:
    return [_case(entry.id, code, known) for entry in kb().entries for code in REGIONS]


def test_notice_dates_cover_every_notice() -> None:
    days = notice_dates()
    for name, w in windows().items():
        if document_regions().get(name) != NATIONAL:
            assert {w.start - timedelta(days=1), w.start, w.start + timedelta(days=1)} <= set(days), name
    assert date(2024, 12, 29) in days and date(2029, 1, 1) in days  # before 60号; after Tianjin's expiry


@pytest.mark.parametrize(("entry_id", "code"), _cases(OTHER_REGION))
def test_cites_only_own_and_national_documents(entry_id: str, code: str) -> None:
    assert other_region_citations(entry_id, code) == []


@pytest.mark.parametrize(("entry_id", "code"), _cases(OWN_REGION_EARLY))
def test_regional_rule_only_while_its_notice_is_in_force(entry_id: str, code: str) -> None:
    assert out_of_force_citations(entry_id, code, national=False) == []


@pytest.mark.parametrize(("entry_id", "code"), _cases(NATIONAL_EARLY))
def test_national_text_only_once_in_force(entry_id: str, code: str) -> None:
    assert out_of_force_citations(entry_id, code, national=True) == []
