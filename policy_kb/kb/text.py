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

# A run of Chinese numerals directly followed by a unit of time, count or age.
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+(?=个工作日|个月|个|年|天|日|月|周岁|岁|次|人|号)")
_WORD = re.compile(r"[\w]", re.UNICODE)

STOP_WORDS = frozenset(
    """
    的 了 吗 呢 吧 啊 呀 哦 嘛 么 哈 啦 咧 噢 喔 嗯 额 呃 诶 哎 唉
    我 你 他 她 它 我们 你们 他们 咱 咱们 俺 本人 自己 人家
    是 在 和 与 及 或 或者 还是 就 都 也 又 还 才 再 很 太 挺 蛮 最 比较
    这 那 这个 那个 这些 那些 这样 那样 这种 那种 这么 那么 一个 一下 有点 有些
    请问 请 问 问下 问一下 想问 想问下 咨询 一下子 你好 您好 谢谢 麻烦 老师 客服 亲
    个 吧 哪 呗 啥子 哈哈 嘿 喂 那就 然后 但是 可是 不过 因为 所以 如果 要是
    """.split()
)

# Question words and everyday verbs: kept for ranking ("多久" tells duration from
# amount), but they say nothing about the topic, so confidence ignores them.
GENERIC_WORDS = frozenset(
    """
    怎么 怎么样 怎样 怎么办 咋 咋办 咋整 咋弄 如何 什么 啥 啥样 什么样 多少 几 几个 多久 多长 哪 哪里 哪儿 哪个
    能 能不能 可以 可不可以 可否 行 行不行 要 需要 得 会 会不会 有 有没有 没有 没 不 是 是不是 还 还能 还有
    好 好的 对 对吗 查 算 办 弄 做 去 找 给 让 说 帮 帮忙 想 知道 时候 现在 以后 之前 情况 问题 事 东西
    领 拿 能领 可以领 一起 同时 一 下 个 点 些 多 少 大 小 上 下面 里 里面 后 前 时 天 月 年 号
    """.split()
)

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
            pairs.append((_basic(variant), canon))
        # The canonical form maps to itself so that a variant inside it (核验 in
        # 资格核验) is not rewritten a second time.
        pairs.append((canon, canon))
    pairs = list(dict(pairs).items())
    pairs.sort(key=lambda pair: len(pair[0]), reverse=True)
    return pairs


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
        self._synonyms = _read_synonyms(synonyms_path)
        self._synonym_pattern = (
            re.compile("|".join(re.escape(variant) for variant, _ in self._synonyms))
            if self._synonyms
            else None
        )
        self._canonical = dict(self._synonyms)
        jieba.setLogLevel(logging.WARNING)
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        self._tokenizer.load_userdict(str(dictionary_path))
        # Canonical forms must stay whole after rewriting.
        for canonical in set(self._canonical.values()):
            if len(canonical) > 1:
                self._tokenizer.add_word(canonical, freq=20000)

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
        """Search tokens of `text` (normalised first)."""
        return [
            token
            for token in self._tokenizer.lcut(self.normalize(text), HMM=True)
            if token.strip() and _WORD.search(token) and token not in STOP_WORDS
        ]

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
