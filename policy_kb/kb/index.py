"""BM25 indexes over the entries and the notices' clauses (rank-bm25), built once.

An entry is scored from four views, fused with fixed weights (tuned on the
tuning split of data/kb_questions only):
- its best-matching sample question (or title), by words;
- the same by character bigrams inside words, which survives typos;
- its title, keywords and all questions together;
- its answer texts (every variant, placeholders removed).
Clauses are scored by words over their section heading, heading and text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from rank_bm25 import BM25Okapi

from policy_kb.kb.documents import Clause
from policy_kb.kb.models import PLACEHOLDER, Entry
from policy_kb.kb.text import TextProcessor, char_ngrams


@dataclass(frozen=True)
class Weights:
    question: float = 1.0
    bigram: float = 0.35
    profile: float = 1.2
    answer: float = 0.15
    clause: float = 0.55


class _PostingsBM25(BM25Okapi):  # type: ignore[misc]
    """rank-bm25's Okapi BM25, scored from postings: the same scores, bit for bit.

    rank-bm25's get_scores reads every document's term counts for every query token, a
    Python loop over the whole corpus per token; it was most of the API's time per question
    (docs/performance.md). Here each token touches only the documents that contain it, with
    the same arithmetic in the same order; a document without the token would have added
    idf × 0 = 0, which leaves its score as it was.
    """

    def __init__(self, corpus: list[list[str]]) -> None:
        super().__init__(corpus)
        self._norm = self.k1 * (1 - self.b + self.b * np.array(self.doc_len) / self.avgdl)
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for i, frequencies in enumerate(self.doc_freqs):
            for word, count in frequencies.items():
                docs, counts = postings.setdefault(word, ([], []))
                docs.append(i)
                counts.append(count)
        self._postings = {word: (np.array(d), np.array(c)) for word, (d, c) in postings.items()}

    def get_scores(self, query: list[str]) -> NDArray[np.float64]:
        score = np.zeros(self.corpus_size)
        for q in query:
            posting = self._postings.get(q)
            if posting is None:
                continue
            docs, q_freq = posting
            score[docs] += (self.idf.get(q) or 0) * (q_freq * (self.k1 + 1) / (q_freq + self._norm[docs]))
        return score


def _bm25(corpus: Sequence[list[str]]) -> BM25Okapi:
    # rank-bm25 divides by the average length; an empty document list cannot be indexed.
    return _PostingsBM25([doc if doc else ["∅"] for doc in corpus])


def _scores(bm25: BM25Okapi, tokens: list[str]) -> NDArray[np.float64]:
    return np.asarray(bm25.get_scores(tokens), dtype=np.float64)


class _GroupedIndex:
    """BM25 over documents that each belong to a group (an entry); a group scores its best document."""

    def __init__(self, docs: list[list[str]], groups: list[int], n_groups: int) -> None:
        self._bm25 = _bm25(docs)
        self._groups = np.asarray(groups)
        self._n = n_groups

    def scores(self, tokens: list[str]) -> NDArray[np.float64]:
        out = np.zeros(self._n)
        if not tokens:
            return out
        doc_scores = _scores(self._bm25, tokens)
        np.maximum.at(out, self._groups, doc_scores)
        return out


class EntryIndex:
    def __init__(self, entries: list[Entry], text: TextProcessor, weights: Weights) -> None:
        self.weights = weights
        self._text = text
        q_docs: list[list[str]] = []
        groups: list[int] = []
        for i, entry in enumerate(entries):
            for question in [entry.title, *entry.questions]:
                q_docs.append(text.tokens(question))
                groups.append(i)
        self._questions = _GroupedIndex(q_docs, groups, len(entries))
        self._bigrams = _GroupedIndex([char_ngrams(doc) for doc in q_docs], groups, len(entries))
        self._profile = _bm25(
            [text.tokens(" ".join([entry.title, *entry.keywords, *entry.questions])) for entry in entries]
        )
        self._answers = _bm25(
            [text.tokens(" ".join(PLACEHOLDER.sub(" ", s.text) for s in entry.all_statements())) for entry in entries]
        )
        self._max_idf = max(self._profile.idf.values())
        self.known_tokens: frozenset[str] = frozenset(self._profile.idf) | frozenset(self._answers.idf)
        # Per entry: the tokens of its title and sample questions, one list each (see decide.py).
        self.samples: list[list[list[str]]] = [[] for _ in entries]
        for doc, group in zip(q_docs, groups, strict=True):
            self.samples[group].append(doc)
        self.answer_vocabulary: list[frozenset[str]] = [
            frozenset(text.tokens(" ".join(PLACEHOLDER.sub(" ", s.text) for s in entry.all_statements())))
            for entry in entries
        ]
        self.vocabulary: list[frozenset[str]] = [
            frozenset(
                token for piece in [entry.title, *entry.keywords, *entry.questions] for token in text.tokens(piece)
            )
            for entry in entries
        ]

    def rarity(self, token: str) -> float:
        """The token's idf over the entry profiles; a word no entry uses counts 1 (often a typo or filler)."""
        idf: dict[str, float] = self._profile.idf
        return max(idf.get(token, 1.0), 0.05)

    def scores(self, tokens: list[str]) -> NDArray[np.float64]:
        w = self.weights
        if not tokens:
            return np.zeros(len(self.vocabulary))
        return (
            w.question * self._questions.scores(tokens)
            + w.bigram * self._bigrams.scores(char_ngrams(tokens))
            + w.profile * _scores(self._profile, tokens)
            + w.answer * _scores(self._answers, tokens)
        )


class ClauseIndex:
    def __init__(self, clauses: list[Clause], text: TextProcessor, weights: Weights) -> None:
        self.clauses = clauses
        self.weights = weights
        self._bm25 = _bm25([text.tokens(f"{c.section} {c.heading} {c.text}") for c in clauses])
        self.known_tokens: frozenset[str] = frozenset(self._bm25.idf)

    def scores(self, tokens: list[str]) -> NDArray[np.float64]:
        if not tokens:
            return np.zeros(len(self.clauses))
        return self.weights.clause * _scores(self._bm25, tokens)
