"""A second opinion on which entry a question is for: naive Bayes over the entries' own questions.

The ranking (index.py) finds the entry whose sample question is *most like* the message, word
for word. That is a nearest-neighbour judgement: it cannot tell which words tell two sibling
entries apart ("什么时候退" for the refund's timing, "能退吗" for the refund itself), so its
lead over the runner-up is often small even when it is right, and the decision abstains.

A classifier trained on the same sample questions, titles and keywords weighs each feature by
how much it favours one entry over the others. It is a different kind of judgement made from
the same texts, so where the two agree the ranking's choice is far more often right than its
margin alone says (decide.py lets agreement settle a close call). Features are character
1–3-grams of the normalised text (which survive typos and unknown words) and its jieba words,
TF-IDF weighted and L2-normalised; the model is multinomial naive Bayes, which trains in one
pass at load (a few hundred milliseconds) and needs only numpy.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from policy_kb.kb.models import Entry
from policy_kb.kb.text import TextProcessor

NGRAMS = (1, 2, 3)
ALPHA = 0.05  # additive smoothing; tuned on the tuning split only (bench/answers_tune.py)


@dataclass(frozen=True)
class Opinion:
    entry_id: str
    probability: float


class SecondOpinion:
    def __init__(self, entries: Sequence[Entry], text: TextProcessor, alpha: float = ALPHA) -> None:
        self._text = text
        self._ids = [entry.id for entry in entries]
        docs: list[Counter[str]] = []
        labels: list[int] = []
        for position, entry in enumerate(entries):
            for sample in [entry.title, *entry.questions, *entry.keywords]:
                docs.append(self._features(sample))
                labels.append(position)
        # Inverse document frequency over the training texts (smoothed as is usual for TF-IDF).
        frequency: Counter[str] = Counter(feature for doc in docs for feature in doc)
        n = len(docs)
        self._idf = {feature: math.log((1 + n) / (1 + df)) + 1 for feature, df in frequency.items()}
        self._column = {feature: i for i, feature in enumerate(frequency)}
        counts = np.zeros((len(self._column), len(entries)), dtype=np.float32)
        for doc, label in zip(docs, labels, strict=True):
            for feature, value in self._weighted(doc).items():
                counts[self._column[feature], label] += value
        totals = counts.sum(axis=0) + alpha * len(self._column)
        self._log_feature = (np.log(counts + alpha) - np.log(totals)).astype(np.float32)
        self._log_prior = np.log(np.bincount(labels, minlength=len(entries)) / n)

    def _features(self, text: str) -> Counter[str]:
        normal = self._text.normalize(text)
        features: Counter[str] = Counter()
        for chunk in normal.split():
            padded = f" {chunk} "  # a chunk's edges are features too (as scikit-learn's char_wb)
            for size in NGRAMS:
                features.update("c" + padded[i : i + size] for i in range(len(padded) - size + 1))
        features.update("w" + token for token in self._text.tokens(text))
        return features

    def _weighted(self, features: Counter[str]) -> dict[str, float]:
        """Sub-linear TF × IDF, L2-normalised; features the training texts never had are left out."""
        weights = {f: (1 + math.log(c)) * self._idf[f] for f, c in features.items() if f in self._idf}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {f: w / norm for f, w in weights.items()}

    def opinion(self, question: str) -> Opinion | None:
        """The entry the classifier finds most likely, with its posterior; None for nothing known."""
        weighted = self._weighted(self._features(question))
        if not weighted:
            return None
        rows = [self._column[f] for f in weighted]
        values = np.fromiter(weighted.values(), dtype=float)
        log_posterior = self._log_prior + values @ self._log_feature[rows]
        log_posterior -= log_posterior.max()
        posterior = np.exp(log_posterior)
        posterior /= posterior.sum()
        best = int(posterior.argmax())
        return Opinion(self._ids[best], float(posterior[best]))
