"""The BM25 indexes score from postings exactly as rank-bm25 scores from every document."""

from __future__ import annotations

import random

import numpy as np
from rank_bm25 import BM25Okapi

from policy_kb.kb import KnowledgeBase
from policy_kb.kb.index import _bm25, _PostingsBM25
from policy_kb.kb.text import char_ngrams


def _queries(kb: KnowledgeBase) -> list[list[str]]:
    """Token lists as the search builds them: the entries' own questions, tokens repeated, unknown words."""
    rng = random.Random(17)
    questions = [q for entry in kb.entries for q in entry.questions][:400]
    queries = [kb.text.tokens(q) for q in questions]
    vocabulary = sorted({t for q in queries for t in q})
    queries += [[*rng.sample(vocabulary, 4), "没有这个词", vocabulary[0], vocabulary[0]] for _ in range(50)]
    return [*queries, [], ["∅"]]


def _pair(corpus: list[list[str]]) -> tuple[BM25Okapi, _PostingsBM25]:
    docs = [doc if doc else ["∅"] for doc in corpus]
    return BM25Okapi(docs), _PostingsBM25(docs)


def test_scores_are_bit_for_bit_rank_bm25s(kb: KnowledgeBase) -> None:
    corpus = [kb.text.tokens(" ".join([e.title, *e.keywords, *e.questions])) for e in kb.entries]
    reference, postings = _pair(corpus)
    for query in _queries(kb):
        assert np.array_equal(postings.get_scores(query), reference.get_scores(query)), query


def test_bigram_and_sparse_corpora_score_the_same(kb: KnowledgeBase) -> None:
    questions = [kb.text.tokens(q) for e in kb.entries for q in e.questions]
    corpus = [char_ngrams(q) for q in questions] + [[]]  # an empty document, as _bm25 guards
    reference, postings = _pair(corpus)
    for query in _queries(kb)[:120]:
        grams = char_ngrams(query)
        assert np.array_equal(postings.get_scores(grams), reference.get_scores(grams)), grams


def test_the_indexes_use_the_postings_scorer() -> None:
    assert isinstance(_bm25([["失业", "保险"], []]), _PostingsBM25)
