"""Answer or abstain: does the best entry address the question that was asked?

A ranked list always has a first entry, so ranking alone cannot tell "the answer"
from "the nearest answer to something else". The decision looks at the question's
*notions*: its words that carry meaning once question words, everyday verbs,
fillers, figures and places are set aside ("单位不给我开离职证明" → 解除劳动关系证明;
"公积金怎么取" → 公积金). Each notion weighs its rarity among the entries (a
word every entry uses says little about which one is meant; a word no entry uses
weighs `unknown_weight`).

The best entry answers when, on the tuning split only (data/kb_questions/tune.yaml):
- the question is about unemployment insurance at all: an anchor word, a notion
  some entry knows, or a figure ("交了6年能领多久"); a question with no notion of
  its own ("失业金怎么领") is matched by score and margin alone;
- the question names the situation the entry's answer takes for granted (`assumes`:
  "领金期间医保怎么办" answers "领失业金医保断了吗", not "医保断缴了怎么办");
- no key notion of the question (one that carries `key_share` of its weight) is
  absent from the entry's title, keywords, sample questions or answer text;
- the notions it addresses weigh at least `min_coverage` of all of them (a notion
  no entry knows, "公积金", counts against every entry);
- one of its sample questions is mostly covered by the question (`min_reverse`):
  an entry for a narrower case ("快退休了…领完还能继续领吗") does not answer a
  broader question that shares one word with it ("领完失业金还能再领吗");
- it leads the runner-up by `min_margin`, unless it covers the question fully;
- a notion it never mentions (`partial_share` of the weight or more) is passed over only
  when the second opinion (second_opinion.py) picks the same entry.
Otherwise it abstains, saying why; no citation is attached to a guess.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import yaml

from policy_kb.kb.index import EntryIndex
from policy_kb.kb.second_opinion import Opinion
from policy_kb.kb.text import GENERIC_WORDS, STOP_WORDS, WEAK_WORDS, WORDS_PATH, TextProcessor

# A figure, in digits or in words ("6年", "半年", "三个多月", "一分钱"): facts of the person, never a notion.
# A figure in words needs its unit: "几" or "一" alone is a question word, not a fact.
_UNITS = r"(年|月|月份|个月|日|号|天|岁|周岁|次|元|块|块钱|分钱)"
# A number in words with no unit ("我今年五十五了": read_numbers reads only figures with a unit) is one too.
_FIGURE = re.compile(
    rf"^[\d.]+(个)?多?{_UNITS}?$|^\d|^[一二两三四五六七八九十百千半]+(个)?多?{_UNITS}$|^[一二两三四五六七八九]?十[一二三四五六七八九]?$"
)


def _word_list(name: str) -> frozenset[str]:
    raw = yaml.safe_load(WORDS_PATH.read_text(encoding="utf-8"))
    return frozenset(str(raw.get(name) or "").split())


FILLER_WORDS = _word_list("filler")
# What a question asks about, said with question words the notions leave out ("能拿几个月",
# "审核多少天"): how long, how much. Each is one notion, spelled as the entries spell it, so an
# entry about the length of something covers "几个月" and one about the conditions does not.
# Not added where the question already says it that way ("能领多久": score and margin decide).
ASPECTS = (
    # "前几个月的没领" names a time, it does not ask how long.
    # They are matched on the question's tokens, joined: a stop word (个) is gone by then.
    ("多久", re.compile(r"(?<![前这那近头后])(几个?月|多少个?月|几天)(?![的前以里])|多久|多长时间|多长|多少天")),
    # "领多少个月" asks how long, not how much.
    ("多少钱", re.compile(r"多少钱|多少元|(领|拿|发|给)多少(?!个月|个?月|天|年|次)")),
)
_ASPECT_NAMES = frozenset(name for name, _ in ASPECTS)


def asked_aspects(tokens: Sequence[str]) -> list[str]:
    """The ASPECTS the question asks about, in any words ("多久", "几个月", "多少钱")."""
    text = "".join(tokens)
    return [aspect for aspect, pattern in ASPECTS if pattern.search(text)]


# "我3月份被辞退的，现在还能申请吗": a time the person left and "is it still possible now" ask
# about the window for applying after leaving, though no word of the question says so. The
# pattern stands for that notion, spelled as the entries spell it (申领期限); the words of leaving
# are part of it ("when I left"), not a notion of their own, so they are not asked of the entry.
WINDOW_NOTION = "申领期限"
_LEAVING = r"离职|辞职|辞退|被裁|裁员|解除|合同\S{0,4}到期|失业(?![保金险登证])|下岗|开除|被开|离开|不干"
_LEFT_WHEN = re.compile(
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})月份?|去年|前年|上个?月|年初|年底|好久|很久|早就|半年"
    r"|(\d+|[一两二三四五六七八九十半]+)(个)?多?(月|年)(了|前|之前|多)"
)
_STILL_POSSIBLE = re.compile(
    r"(还|现在|如今|目前)(能|可以|可不可以|能不能|来得及)?去?(申请|申领|领|办|补办)(?!多久|多少|几)"
    r"|过期|来得及|晚不晚|太晚|晚了|失效|作废|超期"
)


def without_leaving(text: str) -> str | None:
    """The question without its words of leaving when it asks about the window (see WINDOW_NOTION), else None."""
    leaving = re.search(_LEAVING, text)
    if leaving is None or not _LEFT_WHEN.search(text) or not _STILL_POSSIBLE.search(text, leaving.end()):
        return None
    return re.sub(_LEAVING, " ", text)


# A request to look up the person's own record ("帮我查下我的失业金还剩几个月"): no entry can
# settle a balance only the office's system holds, however well its words match one.
# "剩下几个月的失业金能一次给我吗" asks about the remainder, it does not ask for it: only a question
# that ends on the balance is a lookup ("我的失业金还剩几个月了").
_OWN_RECORD = re.compile(
    r"(帮|给|替)我(查|看|算)|余额|剩(下)?(几|多少)(个月|个|天|钱|块钱|元)?(的?失业保险金)?(了|呢|啊|呀)?[?？。!！]*$"
)
# How a figure is hedged ("11年多一点", "3000左右"): part of the person's fact, never a notion.
_HEDGES = frozenset({"多一点", "多点", "左右", "出头", "不到", "以上", "以下", "上下", "多些"})
_FIGURE_UNITS = frozenset({"年", "月", "个月", "天", "岁", "元", "块", "次"})
# Single characters of the generic list that make words of their own with others (年龄, 上班, 多领).
_HEAVY = frozenset("年月天日号周时前后上下大小多少里点些一个")


@dataclass(frozen=True)
class Thresholds:
    """Tuned with bench/answers_tune.py on the tuning split only."""

    min_score: float = 9.0
    min_coverage: float = 0.5
    min_reverse: float = 0.5
    min_margin: float = 0.2
    unknown_weight: float = 2.0
    answer_credit: float = 0.5  # a notion only the entry's answer text mentions
    partial_credit: float = 0.7  # a notion inside a longer word of the entry, or the reverse
    weak_factor: float = 0.5
    key_share: float = 0.4  # a notion missing from the entry abstains when it weighs this share
    unknown_share: float = 0.35  # the same for a notion no entry knows
    telling_weight: float = 1.5  # a notion this rare tells entries apart (full coverage may then settle a close call)
    agreement: float = 0.5  # the second opinion's posterior for its choice that settles a close call when it agrees
    disagreement: float = 0.7  # its posterior for another of the first entries that makes the call a close one
    # An entry that leaves this share of the question's weight unaddressed answers only when the
    # second opinion picks it too with `partial_agreement`.
    partial_share: float = 0.1
    partial_agreement: float = 0.4


@dataclass(frozen=True)
class Decision:
    entry_id: str | None  # the entry that answers; None when abstaining
    confidence: float
    # "answered", or why not: off_topic, no_match, own_record, low_score, key_notion, coverage, narrower,
    # assumed, margin, partial, disagree
    reason: str
    notions: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # notions the best entry does not address
    candidates: tuple[tuple[str, float], ...] = field(default=())

    @property
    def abstained(self) -> bool:
        return self.entry_id is None


class Decider:
    def __init__(
        self,
        index: EntryIndex,
        entry_ids: Sequence[str],
        text: TextProcessor,
        anchors: frozenset[str],
        keywords: Sequence[Sequence[str]],
        thresholds: Thresholds | None = None,
        assumes: Sequence[Sequence[str]] = (),
    ) -> None:
        self._index = index
        self._position = {entry_id: i for i, entry_id in enumerate(entry_ids)}
        self._text = text
        self._anchors = anchors
        self.thresholds = thresholds or Thresholds()
        self._ignored = STOP_WORDS | GENERIC_WORDS | FILLER_WORDS
        # jieba glues question words to their neighbours ("要开", "能批", "我领", "内要"): such a
        # word, unless a curated one ("多领"), is no notion when its light parts leave one character.
        self._light = sorted((w for w in STOP_WORDS | GENERIC_WORDS if w not in _HEAVY), key=len, reverse=True)
        # An entry's own keywords (no other entry lists them) show what it is for (see _reverse). A
        # keyword jieba cuts in several words ("告社保局": 告, 经办机构) counts when the question has
        # them all; one of its words alone ("告") says nothing of the entry.
        listed = [frozenset(text.tokens(" ".join(words))) for words in keywords]
        phrases = [frozenset(tuple(text.tokens(word)) for word in words) for words in keywords]
        counts = Counter(phrase for own in phrases for phrase in own)
        self._keywords = [frozenset(p for p in own if counts[p] == 1 and p) for own in phrases]
        # Words someone chose (the domain dictionary, synonyms, entry keywords) are notions as they are.
        self._curated = text.lexicon() | frozenset().union(*listed)
        # What each entry's answer takes for granted, in the question's normalised spelling.
        # Matched on the joined tokens, as the question is (stop words gone: 人没了 → 人没).
        self._assumes = [tuple("".join(text.tokens(word)) for word in words) for words in assumes] or [
            () for _ in entry_ids
        ]

    # -- notions ------------------------------------------------------------------------

    def notions(self, tokens: Sequence[str]) -> list[str]:
        """The words of the question that say what it is about (raw tokens, places already removed)."""
        out: list[str] = []
        previous = ""
        for token in tokens:
            after_figure = bool(_FIGURE.match(previous)) or previous in _FIGURE_UNITS
            previous = token
            if len(token) < 2 or token in self._ignored or _FIGURE.match(token):
                continue
            if after_figure and token in _HEDGES:  # "交了11年多一点": part of the figure
                continue
            if token not in self._curated and len(self._without_light(token)) < 2:
                continue
            if token not in out:
                out.append(token)
        return out

    def aspects(self, tokens: Sequence[str]) -> list[str]:
        """The ASPECTS the question asks about in other words than the entries' (if some entry names them)."""
        return [a for a in asked_aspects(tokens) if a in self._index.known_tokens and a not in tokens]

    def _without_light(self, word: str) -> str:
        for light in self._light:
            word = word.replace(light, "")
        return word

    def _weight(self, notion: str) -> float:
        if notion in WEAK_WORDS:  # 单位, 工作, 上班: present in many questions on any topic
            return self.thresholds.weak_factor * self._index.rarity(notion)
        if notion in self._index.known_tokens:
            return self._index.rarity(notion)
        return self.thresholds.unknown_weight

    def _credit(self, notion: str, position: int) -> float:
        vocabulary = self._index.vocabulary[position]
        if notion in vocabulary:
            return 1.0
        t = self.thresholds
        # An aspect is matched whole: "多少个月" shares 多少 with 多少钱 and asks the opposite.
        if notion not in _ASPECT_NAMES and any(
            len(word) >= 2 and (word in notion or notion in word) for word in vocabulary
        ):
            return t.partial_credit
        if notion in self._index.answer_vocabulary[position]:
            return t.answer_credit
        return 0.0

    def _reverse(self, notions: Sequence[str], position: int) -> float:
        """Does the question ask what the entry is for: one of its keywords, or most of a sample question."""
        asked = set(notions)
        if any(all(word in asked for word in phrase) for phrase in self._keywords[position]):
            return 1.0
        best = 0.0
        for sample in self._index.samples[position]:
            own = self.notions(sample)
            if not own:
                return 1.0
            weights = [self._weight(word) for word in own]
            covered = sum(
                w
                for word, w in zip(own, weights, strict=True)
                if word in asked or any(len(a) >= 2 and (a in word or word in a) for a in asked)
            )
            best = max(best, covered / sum(weights))
        return best

    def _assess(
        self, notions: Sequence[str], entry_id: str, score: float, asked: str, situation: frozenset[str] = frozenset()
    ) -> _Assessment:
        position = self._position[entry_id]
        assumed = self._assumes[position]
        if assumed and not any(word in asked for word in assumed):
            # "医保断缴了怎么办" is not "领金期间医保怎么办": the entry answers a narrower situation.
            return _Assessment(entry_id, score, 0.0, 0.0, tuple(notions), ASSUMED)
        if not notions:
            return _Assessment(entry_id, score, 1.0, 1.0, (), None)
        weights = [self._weight(n) * (self.thresholds.weak_factor if n in situation else 1.0) for n in notions]
        credits = [self._credit(n, position) for n in notions]
        coverage = sum(w * c for w, c in zip(weights, credits, strict=True)) / sum(weights)
        missing = tuple(n for n, c in zip(notions, credits, strict=True) if c == 0)
        total = sum(weights)
        heavy_missing = [
            n
            for n, w, c in zip(notions, weights, credits, strict=True)
            if c == 0 and w / total >= self.thresholds.key_share
        ]
        # A notion no entry knows at all is what the question is about more often than not
        # ("公务员", "仲裁"): it abstains at a lower share than a notion another entry knows.
        foreign = [
            n
            for n, w in zip(notions, weights, strict=True)
            if n not in self._index.known_tokens and w / total >= self.thresholds.unknown_share
        ]
        missing_keys = heavy_missing + foreign
        key_missing = missing_keys[0] if missing_keys else None
        # The asker's situation unaddressed is no sign the question is about something else.
        missing_share = (
            sum(w for n, w, c in zip(notions, weights, credits, strict=True) if c == 0 and n not in situation) / total
        )
        return _Assessment(
            entry_id, score, coverage, self._reverse(notions, position), missing, key_missing, missing_share
        )

    # -- the decision -------------------------------------------------------------------

    def decide(
        self, raw_tokens: Sequence[str], ranked: Sequence[tuple[str, float]], opinion: Opinion | None = None
    ) -> Decision:
        """Answer with one of the first entries of `ranked` ((entry id, score), best first) or abstain.

        The first three are re-ordered by score × coverage: the ranking counts words, the
        coverage asks whether the question's notions are the entry's. `opinion` is the
        classifier's choice (second_opinion.py): when it names the same entry, a close call
        (margin, or a sample question only partly asked) is settled for it.
        """
        t = self.thresholds
        candidates = tuple((entry_id, round(score, 4)) for entry_id, score in ranked[:3])
        aspects = self.aspects(raw_tokens)
        notions = self.notions(raw_tokens) + aspects
        # "被辞退了能领几个月" asks how long; being dismissed is the asker's situation, which the
        # duration entry need not name. With an aspect asked, words of leaving weigh as weak ones.
        situation = frozenset(n for n in notions if aspects and re.search(_LEAVING, n))
        meaningful = [token for token in raw_tokens if token not in GENERIC_WORDS]

        def abstain(reason: str, confidence: float = 0.0, missing: Sequence[str] = ()) -> Decision:
            return Decision(None, round(confidence, 3), reason, tuple(notions), tuple(missing), candidates)

        if not ranked or ranked[0][1] <= 0:
            return abstain("no_match")
        if _OWN_RECORD.search("".join(raw_tokens)):
            return abstain("own_record")
        # Nothing about unemployment insurance and nothing the entries know ("今天天气怎么样");
        # a figure with a question ("交了6年能领多久") is ranked on its own.
        anchored = any(token in self._anchors for token in meaningful)
        figured = any(_FIGURE.match(token) for token in raw_tokens)
        known = any(n in self._index.known_tokens for n in notions)
        if not anchored and not figured and not known:
            return abstain("off_topic")  # "今天天气怎么样", "好的"
        assessed = sorted(
            (
                self._assess(notions, entry_id, score, "".join(raw_tokens), situation)
                for entry_id, score in ranked[:3]
                if score > 0
            ),
            key=lambda a: -a.adjusted,
        )
        best = assessed[0]
        runner_up = assessed[1].adjusted if len(assessed) > 1 else 0.0
        margin = 1 - runner_up / best.adjusted if best.adjusted > 0 else 0.0
        score_factor = min(1.0, best.score / (2 * t.min_score))
        margin_factor = 0.8 + 0.2 * min(1.0, 4 * margin)
        confidence = best.coverage * min(1.0, 0.5 + best.reverse) * margin_factor * (0.7 + 0.3 * score_factor)
        # Full coverage settles a close call only when the question says something particular: a
        # rarer notion, or a figure of the person's ("交了11年，能领多久"). Words every entry has
        # ("不给我批失业金也不说为什么": 批, 失业保险金) cover anything.
        particular = bool(notions) and (
            (figured and bool(asked_aspects(raw_tokens))) or any(self._weight(n) >= t.telling_weight for n in notions)
        )
        first = next(a for a in assessed if a.entry_id == ranked[0][0])
        set_aside = first.score if first.key_missing == ASSUMED else 0.0
        # The classifier never saw a word no entry uses ("新生儿怎么上户口": it reads 户口 only), so it
        # cannot vouch for an entry on a question that has one.
        unseen = any(n not in self._index.known_tokens for n in notions)
        picked = opinion.probability if opinion is not None and opinion.entry_id == best.entry_id else 0.0
        agreed = not unseen and picked >= t.agreement
        # A notion of the question the entry never mentions ("失业了出国旅游签证会被拒吗": 签证) may be
        # a detail or what the question is about; words alone cannot tell. The entry answers when
        # the second opinion, reading the whole question, picks it too.
        seconded = picked >= t.partial_agreement
        objection = self._objection(
            best, margin, set_aside=set_aside, particular=particular, agreed=agreed, seconded=seconded
        )
        if objection is not None:
            return abstain(objection, confidence, best.missing)
        # The classifier sure of another of the first entries: two readings of one question, and nothing
        # to choose between them but a few points of score. The claimant is offered both instead.
        other = next((a for a in assessed if opinion is not None and a.entry_id == opinion.entry_id), None)
        if other is not None and other is not best and opinion is not None and opinion.probability >= t.disagreement:
            pair = ((best.entry_id, round(best.score, 4)), (other.entry_id, round(other.score, 4)))
            return Decision(None, round(confidence, 3), "disagree", tuple(notions), best.missing, pair)
        return Decision(best.entry_id, round(confidence, 3), "answered", tuple(notions), best.missing, candidates)

    def _objection(
        self, best: _Assessment, margin: float, *, set_aside: float, particular: bool, agreed: bool, seconded: bool
    ) -> str | None:
        """Why `best` does not answer (an abstention reason), or None.

        `set_aside`: the score of a first-ranked entry set aside for its assumed situation;
        `particular`: the question says something particular (full coverage then settles a close
        call); `agreed`: the second opinion chose `best` too (it then settles a close call);
        `seconded`: it chose `best` with less certainty (enough to pass over an unaddressed detail).
        """
        t = self.thresholds
        if best.score < t.min_score:
            return "low_score"
        if best.key_missing is not None:
            return "key_notion"
        if best.coverage < t.min_coverage:
            return "coverage"
        if best.reverse < t.min_reverse and not agreed:
            return "narrower"
        # The first-ranked entry set aside for the situation it assumes still shows what the question
        # is near: when it ranked about as high, the best remaining entry is a guess ("医保要自己交吗"
        # is not about refunds because the benefit-period entry does not apply).
        if set_aside > best.score * (1 - t.min_margin):
            return "assumed"
        if margin < t.min_margin and not (particular and best.coverage >= 1.0) and not agreed:
            return "margin"
        if best.missing_share >= t.partial_share and not seconded:
            return "partial"
        return None


ASSUMED = "(assumed situation)"  # key_missing of an entry whose situation the question does not name


@dataclass(frozen=True)
class _Assessment:
    entry_id: str
    score: float
    coverage: float
    reverse: float
    missing: tuple[str, ...]
    key_missing: str | None
    missing_share: float = 0.0  # the share of the question's weight in notions the entry never mentions

    @property
    def adjusted(self) -> float:
        return self.score * (0.5 + 0.5 * self.coverage)


MAX_QUESTION = 200
MAX_STORY = 60  # longer than this, a message is a story with a question at its end
SHORT_QUESTION = 8
_CLAUSE_END = re.compile(r"(?<=[。！？!?；;，,\n])")
_ASKING = re.compile(r"[吗么嘛呢？?]|怎么|怎样|如何|多久|多少|几个|能不能|可不可以|是否|哪里|哪儿|去哪")


def clip_question(text: str, limit: int = MAX_QUESTION, story: int = MAX_STORY) -> str:
    """What to decide on: a short message as it is; from a story, its last question.

    People tell their story first and ask at the end ("…公司裁员了，想问一下我这种情况能领失业金吗"):
    the story's words would outvote the question (a layoff story full of 裁员, 补偿 and
    社保 words ranks the fraud warning first) and leave most of its notions uncovered.
    The last clause with a question word is the question; the clause before it joins
    when the question alone is too short to say anything ("能领吗？"). The facts of the
    story are read from the whole message elsewhere (policy_kb.kb.facts).
    """
    text = " ".join(text.split())
    if len(text) <= story:
        return text
    clauses = [c for c in _CLAUSE_END.split(text) if c.strip()]
    for index in range(len(clauses) - 1, -1, -1):
        if _ASKING.search(clauses[index]):
            start = index - 1 if len(clauses[index].strip("，,。.！!？? ")) < SHORT_QUESTION else index
            return "".join(clauses[max(0, start) : index + 1])[-limit:]
    return text[-limit:]


# A story's reason for leaving, as the entries word it (policy_kb.kb.facts reads it from the whole story).
LEAVING_CUES = {
    "dismissed": "被辞退",
    "contract_expired": "合同到期",
    "resigned": "主动离职",
    "forced_resignation": "被迫离职",
    "employer_closed": "单位倒闭",
}


# A story that names contributions in two places or more ("在深圳交了五年…回重庆又交了两年"): its
# question ("这两个地方交的能合起来算吗") points back at them without naming them.
PLACES_CUE = "在两个城市交的社保"


def with_situation(question: str, leaving_reason: str | None, *, places: int = 0) -> str:
    """A clipped question that says nothing of the person ("像我这种情况能领失业金吗") keeps the story's gist.

    `places`: how many places the story says contributions were paid in.
    """
    cues = [PLACES_CUE] if places >= 2 else []
    cue = LEAVING_CUES.get(leaving_reason or "")
    if cue:
        cues.append(cue)
    return "，".join([*cues, question])


def question_to_decide(text: str, leaving_reason: str | None, *, places: int = 0) -> str:
    """What the decision reads from a message: a story's last question with the story's gist, or the message.

    The answer service and the tuning bench both go this way. The reason for leaving is added to
    a clipped question only (a short message says it already); several places of contribution
    are named in the entries' words ("深圳交了五年…重庆又交了两年" → 在两个城市交的社保) for a
    clipped question, or one that points back at them.
    """
    question = clip_question(text)
    clipped = question != text
    if clipped or (places >= 2 and _POINTS_AT_PLACES.search(question)):
        question = with_situation(question, leaving_reason if clipped else None, places=places)
    return question


# "这两个地方交的能合起来算吗": the places are pointed at, not named in the question's own words. A
# message that asks something else of them ("…能领多久") is decided on what it asks.
_POINTS_AT_PLACES = re.compile(r"(这|那|两|几)个?(地方|地|城市|边|处)|合起来|加起来|合并|一起算|累计")
