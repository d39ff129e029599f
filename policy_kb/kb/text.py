"""Text normalisation and tokenisation for retrieval.

Questions typed on a phone arrive in traditional or simplified characters, with
full-width digits, Chinese numerals ("十二个月") and colloquial words ("失业金",
"打卡"). Both the indexed texts and the queries go through the same pipeline:

1. traditional → simplified (zhconv), NFKC (full-width → half-width), lower case;
2. Chinese numerals before a unit read as Arabic digits (cn2an): 十二个月 → 12个月;
3. synonyms rewritten to one canonical form (synonyms.yaml): 失业金 → 失业保险金;
4. jieba with the domain dictionary (dictionary.txt, jieba's own format, reused
   by the bot's tokenizer); punctuation and stop words dropped. A query word
   that no indexed text uses is replaced by its known parts (jieba's search
   mode: 手机申领 → 手机, 申领), see :meth:`TextProcessor.back_off`.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import cn2an
import jieba
import yaml
import zhconv

KB_DIR = Path(__file__).resolve().parent
DICTIONARY_PATH = KB_DIR / "dictionary.txt"
SYNONYMS_PATH = KB_DIR / "synonyms.yaml"
TOKENS_CACHED = 512  # texts whose tokens are kept (questions in flight, the entries at build time)

# A run of Chinese numerals directly followed by a unit of time, count or age.
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+(?=个工作日|个月|个|年|天|日|月|周岁|岁|次|人|号)")
_WORD = re.compile(r"[\w]", re.UNICODE)

WORDS_PATH = KB_DIR / "words.yaml"


def _word_list(name: str) -> frozenset[str]:
    raw = yaml.safe_load(WORDS_PATH.read_text(encoding="utf-8"))
    return frozenset(str(raw[name]).split())


STOP_WORDS = _word_list("stop")
GENERIC_WORDS = _word_list("generic")
WEAK_WORDS = _word_list("weak")

log = logging.getLogger(__name__)


def _read_synonyms(path: Path) -> list[tuple[str, str]]:
    """(variant, canonical) pairs, longest variant first so that 失业保险金 wins over 失业金."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: expected a mapping canonical → [variants]")
    pairs: list[tuple[str, str]] = []
    for canonical, variants in raw.items():
        if not isinstance(canonical, str) or not isinstance(variants, list):
            raise ValueError(f"{path.name}: bad synonym group {canonical!r}")
        canon = _basic(canonical)
        for variant in variants:
            if not isinstance(variant, str) or not variant.strip():
                raise ValueError(f"{path.name}: bad variant in group {canonical!r}")
            pairs.append((_read_numerals(_basic(variant)), canon))
        # The canonical form maps to itself so that a variant inside it (核验 in
        # 资格核验) is not rewritten a second time. Numerals are read before synonyms apply
        # (一次性 is 1次性 by then), so variants are matched in that form, and the canonical too.
        pairs.append((canon, canon))
        pairs.append((_read_numerals(canon), canon))
    pairs = list(dict(pairs).items())
    pairs.sort(key=lambda pair: len(pair[0]), reverse=True)
    return pairs


def _load_zhconv() -> None:
    """Load zhconv's table from its file path (its default loader leaves the file open)."""
    if zhconv.zhconv.zhcdicts is None:
        zhconv.loaddict(str(Path(zhconv.__file__).resolve().parent / "zhcdict.json"))


def _basic(text: str) -> str:
    """Simplified characters, half-width forms, lower case."""
    text = zhconv.convert(text, "zh-cn")
    return unicodedata.normalize("NFKC", text).lower()


def _read_numerals(text: str) -> str:
    def convert(match: re.Match[str]) -> str:
        token = match.group(0)
        try:
            return str(cn2an.cn2an(token, "smart"))
        except ValueError:
            return token

    return _CN_NUMBER.sub(convert, text)


class TextProcessor:
    """Normaliser and tokenizer; build once and reuse (jieba loads its dictionary here)."""

    def __init__(
        self,
        dictionary_path: Path = DICTIONARY_PATH,
        synonyms_path: Path = SYNONYMS_PATH,
    ) -> None:
        _load_zhconv()
        self._synonyms = _read_synonyms(synonyms_path)
        self._synonym_pattern = (
            re.compile("|".join(re.escape(variant) for variant, _ in self._synonyms)) if self._synonyms else None
        )
        self._canonical = dict(self._synonyms)
        jieba.setLogLevel(logging.WARNING)
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        with dictionary_path.open("rb") as dictionary:  # jieba leaves a path's file open
            self._tokenizer.load_userdict(dictionary)
        # Canonical forms must stay whole after rewriting.
        for canonical in set(self._canonical.values()):
            if len(canonical) > 1:
                self._tokenizer.add_word(canonical, freq=20000)
        # Per instance (the dictionary is the instance's), made after the dictionary is complete.
        self._cached_tokens = functools.lru_cache(maxsize=TOKENS_CACHED)(self._cached_tokens)  # type: ignore[method-assign]

    def basic(self, text: str) -> str:
        """Simplified characters, half-width forms, lower case (no synonyms): for finding place names."""
        return _basic(text)

    def normalize(self, text: str) -> str:
        """The searchable form of `text`: simplified, half-width, numerals read, synonyms applied."""
        text = _read_numerals(_basic(text))
        if self._synonym_pattern is not None:
            text = self._synonym_pattern.sub(lambda m: self._canonical[m.group(0)], text)
        return text

    def tokens(self, text: str) -> list[str]:
        """Search tokens of `text` (normalised first); a fresh list the caller may change.

        One answer tokenises the same question more than once (ranking, the decision's notions,
        the facts): jieba's cut of a text never changes once the dictionary is loaded, so the
        last few hundred texts' tokens are kept.
        """
        return list(self._cached_tokens(text))

    def _cached_tokens(self, text: str) -> tuple[str, ...]:
        return tuple(
            token
            for token in self._tokenizer.lcut(self.normalize(text), HMM=True)
            if token.strip() and _WORD.search(token) and token not in STOP_WORDS
        )

    def back_off(self, tokens: list[str], vocabulary: frozenset[str] | set[str]) -> list[str]:
        """Replace each token unknown to `vocabulary` by its parts that are known (if any)."""
        out: list[str] = []
        for token in tokens:
            if token in vocabulary or len(token) < 3:
                out.append(token)
                continue
            parts = [
                part
                for part in self._tokenizer.lcut_for_search(token, HMM=False)
                if part != token and part in vocabulary and part not in STOP_WORDS
            ]
            out.extend(parts or [token])
        return out

    def lexicon(self) -> frozenset[str]:
        """The domain words of the dictionary and the synonyms' canonical forms."""
        with DICTIONARY_PATH.open(encoding="utf-8") as dictionary:
            words = {self.normalize(line.split(" ", 1)[0]) for line in dictionary if line.strip()}
        return frozenset(words | set(self._canonical.values()))

    def cut(self, text: str) -> list[str]:
        """jieba's cut of the normalised text, stop words kept (for finding place names)."""
        return [t for t in self._tokenizer.lcut(self.normalize(text), HMM=False) if t.strip()]


def char_ngrams(tokens: Iterable[str], n: int = 2) -> list[str]:
    """Character n-grams inside each token: a typo spoils one n-gram, not the whole word."""
    grams: list[str] = []
    for token in tokens:
        if len(token) <= n:
            grams.append(token)
            continue
        grams.extend(token[i : i + n] for i in range(len(token) - n + 1))
    return grams


# -- reading a person's facts (policy_kb.kb.facts) ------------------------------------------

# Chinese numerals before a unit of time, age or money, or before 多/几/半 ("十多年", "两年半",
# "两千块", "二〇二六年三月", "一月份"). Wider than _CN_NUMBER, which feeds the search index.
_CN_QUANTITY = re.compile(
    r"[零〇一二两三四五六七八九十百千万]+(?=个|年|月|天|日|号|周岁|岁|次|块|元|多|几|来|半|余|份|期|周)"
)


def simplify(text: str) -> str:
    """Simplified characters, half-width forms, lower case (the same first step as the search text)."""
    _load_zhconv()
    return _basic(text)


def read_numbers(text: str) -> str:
    """Chinese numerals before a unit read as digits: 十一年 → 11年, 二〇二六年 → 2026年, 两千块 → 2000块.

    A numeral that does not read (a lone 万) is left as it is.
    """

    def convert(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("万", "千", "百"):
            return token
        try:
            return str(cn2an.cn2an(token, "smart"))
        except (ValueError, KeyError, IndexError):
            return token

    def pair(match: re.Match[str]) -> str:
        low, high = _PAIR_DIGITS[match.group(1)], _PAIR_DIGITS[match.group(2)]
        return f"{low}到{high}" if high == low + 1 else match.group(0)  # "五八年参加工作": 1958

    # "俩月"/"两月" are two months (两个月), never February.
    text = re.sub(r"[两俩](?=月(?!份))", "两个", text).replace("俩", "两")
    text = _CN_PAIR.sub(pair, text)
    return _CN_QUANTITY.sub(convert, text)


# "两三年", "三四个月": two neighbouring numerals are a span → "2到3年". Not "六七年的"/"六七年出生"
# (a birth year: 67年) and not "七八年8月" (a year and month).
_PAIR_DIGITS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_PAIR = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千万是])(一|两|三|四|五|六|七|八)(两|三|四|五|六|七|八|九)"
    r"(?=个月|个多月|年(?!的|出生|生|\s*[0-9一二三四五六七八九十]+\s*月))"
)
