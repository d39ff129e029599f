"""The knowledge base: entries + clauses, searched by region, answered with citations.

Build one :class:`KnowledgeBase` at start-up (:meth:`KnowledgeBase.load`) and
reuse it: the indexes, the jieba dictionary and the gazetteer are built once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from policy_kb.citations import Citation
from policy_kb.clock import today_in_china
from policy_kb.kb.decide import WINDOW_NOTION, Decider, Decision, Thresholds, without_leaving
from policy_kb.kb.documents import SOURCES_DIR, Clause, DocumentSet
from policy_kb.kb.index import ClauseIndex, EntryIndex, Weights
from policy_kb.kb.loader import ENTRIES_DIR, load_entries
from policy_kb.kb.models import Entry
from policy_kb.kb.personal import contribution_line, contribution_months
from policy_kb.kb.places import PlaceFinder
from policy_kb.kb.render import RenderError, render_entry
from policy_kb.kb.second_opinion import Opinion, SecondOpinion
from policy_kb.kb.text import GENERIC_WORDS, WEAK_WORDS, TextProcessor
from policy_kb.regions import ResolvedRegion, resolve_region
from policy_kb.rulebase import NATIONAL, RuleBase, load_rule_base

log = logging.getLogger(__name__)

LOCAL_NOTE = "当地规定可能不同，请以当地经办机构或12333答复为准。"
MAX_CITATION_LABELS = 3


class Hit(BaseModel):
    """One ranked result: a knowledge-base entry, or a clause of a notice."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["entry", "clause"]
    entry_id: str
    title: str
    score: float
    answer_text: str  # body, local-rules note where it applies, and the citation in brackets
    body: str
    citations: list[Citation]
    region_used: str  # the rule layer whose rules and variant were used ("CN": national)
    national_fallback: bool  # no region given, or one without rules of its own: the note is added


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)

    entry_id: str
    title: str
    text: str
    citations: list[Citation]
    confidence: float
    region_used: str
    national_fallback: bool


@dataclass(frozen=True)
class _Asker:
    code: str
    fallback: bool


class KnowledgeBase:
    def __init__(
        self,
        *,
        entries: list[Entry],
        documents: DocumentSet,
        rule_base: RuleBase,
        text: TextProcessor | None = None,
        weights: Weights | None = None,
        thresholds: Thresholds | None = None,
        today: Callable[[], date] = today_in_china,
    ) -> None:
        self.entries = entries
        self.documents = documents
        self.rule_base = rule_base
        self.text = text or TextProcessor()
        self.weights = weights or Weights()
        self._today = today
        self._by_id = {entry.id: entry for entry in entries}
        self._position = {entry.id: i for i, entry in enumerate(entries)}
        self._entry_index = EntryIndex(entries, self.text, self.weights)
        self._clause_index = ClauseIndex(documents.clauses, self.text, self.weights)
        self._places = PlaceFinder()
        self._known_tokens = self._entry_index.known_tokens
        # Words that show a question is about unemployment insurance at all (see decide.py).
        keywords = {token for entry in entries for word in entry.keywords for token in self.text.tokens(word)}
        self._anchors = frozenset(
            word for word in (self.text.lexicon() | keywords) - GENERIC_WORDS - WEAK_WORDS if len(word) >= 2
        )
        self.second_opinion = SecondOpinion(entries, self.text)
        self.decider = Decider(
            self._entry_index,
            [e.id for e in entries],
            self.text,
            self._anchors,
            [e.keywords for e in entries],
            thresholds,
            [e.assumes for e in entries],
        )

    @classmethod
    def load(
        cls,
        *,
        rule_base: RuleBase | None = None,
        sources_dir: Path = SOURCES_DIR,
        entries_dir: Path = ENTRIES_DIR,
        today: Callable[[], date] = today_in_china,
    ) -> KnowledgeBase:
        """Read and validate sources and entries, build the indexes (about a second)."""
        documents = DocumentSet(sources_dir)
        entries = load_entries(documents, entries_dir)
        return cls(
            entries=entries,
            documents=documents,
            rule_base=rule_base or load_rule_base(),
            today=today,
        )

    # -- lookup -------------------------------------------------------------------------

    def entry(self, entry_id: str) -> Entry:
        return self._by_id[entry_id]

    def region_for(self, query: str, region: str | None) -> ResolvedRegion | None:
        """The region a question is about: a place it names wins over the asker's region.

        Raises UnknownRegionError for an unknown `region` (the caller validates it first).
        """
        named = self._places.region_in(self.text.basic(query))
        if named is not None:
            return named
        return resolve_region(region) if region else None

    def render(
        self, entry_id: str, region: ResolvedRegion | None, *, on: date, score: float = 1.0, question: str = ""
    ) -> Hit:
        """An entry's answer for the region on the date (`question` feeds entries that use its figures)."""
        asker = self._asker(region)
        entry = self._by_id[entry_id]
        rendered = render_entry(entry, rule_base=self.rule_base, region_code=asker.code, on=on)
        body, citations = rendered.text, list(rendered.citations)
        if entry.personalize == "contribution_months" and question:
            months = contribution_months(self.text.normalize(question))
            line = (
                None
                if months is None
                else contribution_line(months, rule_base=self.rule_base, region_code=asker.code, on=on)
            )
            if line is not None:
                body = line[0] + body
                citations = [*citations, *(c for c in line[1] if c not in citations)]
        note = LOCAL_NOTE if asker.fallback else ""
        return Hit(
            kind="entry",
            entry_id=entry.id,
            title=entry.title,
            score=round(score, 4),
            answer_text=f"{body}{note}{self.citation_label(citations)}",
            body=body,
            citations=citations,
            region_used=asker.code,
            national_fallback=asker.fallback,
        )

    # -- search -------------------------------------------------------------------------

    def search(
        self,
        query: str,
        region_code: str | None = None,
        limit: int = 5,
        *,
        on: date | None = None,
        include_clauses: bool = True,
    ) -> list[Hit]:
        """Entries (and clauses of the notices in force for the region) ranked for `query`."""
        on = on or self._today()
        region = self.region_for(query, region_code)
        tokens = self._query_tokens(query)
        if not tokens or limit <= 0:
            return []
        asker = self._asker(region)
        hits: list[Hit] = []
        entry_scores = self._entry_index.scores(tokens)
        for i in np.argsort(-entry_scores, kind="stable")[: limit + 2]:
            score = float(entry_scores[i])
            if score <= 0:
                break
            try:
                hits.append(self.render(self.entries[i].id, region, on=on, score=score, question=query))
            except RenderError:
                log.exception("kb entry %s does not render for %s on %s", self.entries[i].id, asker.code, on)
        hits = hits[:limit]
        if include_clauses:
            # The notices' own words rank with the entries; the best clause keeps a place
            # in lists of three or more, so an operator always sees the source text.
            clauses = self._clause_hits(tokens, asker, on=on, limit=limit)
            merged = sorted([*hits, *clauses], key=lambda hit: -hit.score)[:limit]
            if clauses and limit >= 3 and not any(hit.kind == "clause" for hit in merged):
                merged = [*merged[: limit - 1], clauses[0]]
            hits = merged
        return hits

    def decide(
        self, query: str, region_code: str | None = None, *, on: date | None = None
    ) -> tuple[Decision, list[Hit]]:
        """Whether the best entry answers `query` (see decide.py), with the first three entries rendered."""
        on = on or self._today()
        hits = self.search(query, region_code, limit=3, on=on, include_clauses=False)
        ranked = [(hit.entry_id, hit.score) for hit in hits]
        return self.decider.decide(self.notion_tokens(query), ranked, self.opinion(query)), hits

    def opinion(self, query: str) -> Opinion | None:
        """The second opinion on `query`, read as the decision reads it.

        A question about the window after leaving ("我两个月前被裁了，现在申请会不会过期") is its
        notion (申领期限) to the decision; the classifier, reading 被裁, would hear a layoff question.
        """
        window = without_leaving(self.text.basic(query))
        return self.second_opinion.opinion(query if window is None else f"{window} {WINDOW_NOTION}")

    def answer(self, query: str, region_code: str | None = None, *, on: date | None = None) -> Answer | None:
        """The best entry with a confidence in [0, 1]; None when it does not address the question."""
        decision, hits = self.decide(query, region_code, on=on)
        if decision.entry_id is None:
            return None
        # The decision may prefer the second or third hit (it re-orders them by coverage).
        best = next(hit for hit in hits if hit.entry_id == decision.entry_id)
        return Answer(
            entry_id=best.entry_id,
            title=best.title,
            text=best.answer_text,
            citations=best.citations,
            confidence=decision.confidence,
            region_used=best.region_used,
            national_fallback=best.national_fallback,
        )

    # -- helpers ------------------------------------------------------------------------

    def _query_tokens(self, query: str) -> list[str]:
        """Tokens of the question with place names taken out (the region is applied separately)."""
        basic = self.text.basic(query)
        for place in self._places.find(basic):
            basic = basic.replace(place, " ")
        tokens = self.text.back_off(self.text.tokens(basic), self._known_tokens)
        if without_leaving(basic) is not None:
            tokens.append(WINDOW_NOTION)
        return tokens

    def notion_tokens(self, query: str) -> list[str]:
        """Tokens for the decision: like the ranking's, but an unknown word's unknown rest is kept.

        Ranking backs "劳动仲裁" off to its known part 劳动; the decision must still see 仲裁,
        the notion no entry covers.
        """
        basic = self.text.basic(query)
        for place in self._places.find(basic):
            basic = basic.replace(place, " ")
        # "when I left" + "still possible" is one notion: the words of leaving are not asked of the entry.
        window = without_leaving(basic)
        basic = window if window is not None else basic
        out: list[str] = []
        for token in self.text.tokens(basic):
            parts = self.text.back_off([token], self._known_tokens)
            out.extend(parts)
            if parts != [token]:
                rest = token
                for part in parts:
                    rest = rest.replace(part, " ")
                out.extend(piece for piece in rest.split() if len(piece) >= 2)
        if window is not None:
            out.append(WINDOW_NOTION)
        return out

    def _asker(self, region: ResolvedRegion | None) -> _Asker:
        if region is None or region.code == NATIONAL:
            return _Asker(NATIONAL, True)
        return _Asker(region.code, region.national_fallback)

    def _clause_hits(self, tokens: list[str], asker: _Asker, *, on: date, limit: int) -> list[Hit]:
        in_force = {doc.document for doc in self.rule_base.documents_in_force(asker.code, on)}
        scores = self._clause_index.scores(tokens)
        hits: list[Hit] = []
        for i in np.argsort(-scores, kind="stable"):
            if len(hits) >= limit or scores[i] <= 0:
                break
            clause = self._clause_index.clauses[i]
            if clause.document.name not in in_force:
                continue
            hits.append(self._clause_hit(clause, float(scores[i]), asker))
        return hits

    def _clause_hit(self, clause: Clause, score: float, asker: _Asker) -> Hit:
        citation = Citation(document=clause.document.name, clause=clause.label, quote=clause.text)
        title = f"{self.documents.short_name(clause.document.name)} {clause.label}"
        return Hit(
            kind="clause",
            entry_id=clause.id,
            title=f"{title} {clause.heading}".strip(),
            score=round(score, 4),
            answer_text=f"{clause.text}（{title}）",
            body=clause.text,
            citations=[citation],
            region_used=asker.code,
            national_fallback=asker.fallback,
        )

    def citation_label(self, citations: list[Citation]) -> str:
        """（依据：渝人社办〔2025〕112号 一（二）；…）: clauses grouped by document, at most three labels."""
        grouped: dict[str, list[str]] = {}
        for citation in citations:
            labels = grouped.setdefault(citation.document, [])
            if citation.clause not in labels:
                labels.append(citation.clause)
        parts: list[str] = []
        for document, labels in grouped.items():
            if len(labels) > 2:
                labels = list(dict.fromkeys(label.split("（", 1)[0] for label in labels))
            name = self.documents.short_name(document)
            sep = "" if name.endswith("》") else " "
            parts.append(f"{name}{sep}{'、'.join(labels)}")
        if not parts:
            return ""
        return f"（依据：{'；'.join(parts[:MAX_CITATION_LABELS])}）"
