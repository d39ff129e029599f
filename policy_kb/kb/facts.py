"""The person's facts in a message: months, dates, durations, contribution periods, birth, category, money.

:func:`understand` reads one message (plus what the sender said earlier) into
:class:`Facts`. It is pure: "today" is an argument, nothing is looked up.

Order matters, and is the point of this module: money ("3000元", "两千块"),
phone numbers, ID numbers and other long digit runs are taken out first, so
that their digits are never read as a month or a period; then birth
("1967年8月出生"), then dates, months and durations each consume the text they
used, so "3个月" is never a month and "2026年3月" never a duration.

Months are "YYYY-MM". A month without a year ("10月") is the latest such month
up to today (a claimant asks about months gone by: back pay, when they left),
unless its clause looks forward ("打算12月辞职", "下个月", "明年" …).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Literal

import cn2an
from pydantic import BaseModel, ConfigDict, Field, ValidationError, computed_field, model_validator

from policy_kb.kb.places import PlaceFinder
from policy_kb.kb.text import read_numbers, simplify
from policy_kb.months import add_months, month_str, parse_month
from policy_kb.vocab import RetirementCategory

__all__ = [
    "Amount",
    "ContributionPeriod",
    "Duration",
    "EmploymentType",
    "Facts",
    "LeavingReason",
    "Sex",
    "understand",
]

Sex = Literal["male", "female"]
EmploymentType = Literal[
    "labour_contract",  # 劳动合同 / 合同工 / 正式工
    "dispatch",  # 劳务派遣
    "flexible",  # 灵活就业 / 个体 / 自由职业
    "rural_contract_worker",  # 农民工 / 农民合同制工人 (条例第二十一条: 一次性生活补助)
    "probation",  # 试用期
    "part_time",  # 非全日制 / 小时工
]
LeavingReason = Literal["dismissed", "contract_expired", "resigned", "forced_resignation", "employer_closed"]
# contribution: paid in; unemployed: since leaving; receiving: benefit already received;
# benefit: a benefit period asked about ("能领12个月吗"); other: none of these.
DurationKind = Literal["contribution", "unemployed", "receiving", "benefit", "other"]

EMPLOYMENT_TYPE_ZH: dict[str, str] = {
    "labour_contract": "劳动合同",
    "dispatch": "劳务派遣",
    "flexible": "灵活就业",
    "rural_contract_worker": "农民合同制工人",
    "probation": "试用期",
    "part_time": "非全日制用工",
}
LEAVING_REASON_ZH: dict[str, str] = {
    "dismissed": "被单位辞退或解除劳动合同",
    "contract_expired": "劳动合同到期终止",
    "resigned": "本人主动辞职",
    "forced_resignation": "因单位过错被迫辞职",
    "employer_closed": "单位倒闭、破产或关停",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Amount(_Frozen):
    text: str  # as written: "两千块", "3000元"
    yuan: Decimal
    approximate: bool = False  # "3000多元", "大概两千"


class Duration(_Frozen):
    """A length of time as the person said it, with what it can mean.

    `months` is the figure as said ("1年多" → 12, "将近5年" → 60); `least`/`most`
    bound what it can mean (None: no bound said): "1年多" is 12..23, "将近5年"
    at most 59, "大概3年" unbounded both ways, "4年11个月" exactly 59.
    """

    text: str  # as written (after numerals are read): "4年11个月", "2年半", "1年多"
    months: int
    least: int | None = None
    most: int | None = None
    approximate: bool = False
    kind: DurationKind = "other"


class ContributionPeriod(_Frozen):
    place: str | None = None  # "沈阳", "大连" as written, when the message names one
    months: int
    least: int | None = None
    most: int | None = None
    approximate: bool = False
    text: str = ""


class Facts(_Frozen):
    """What a message (and the dialogue before it) says about the person.

    Every field is optional: absent means "not said", never "no".
    """

    months: list[str] = Field(default_factory=list)  # "YYYY-MM", in the order mentioned, no repeats
    dates: list[date] = Field(default_factory=list)
    durations: list[Duration] = Field(default_factory=list)
    contribution_periods: list[ContributionPeriod] = Field(default_factory=list)
    # Total contribution: a stated total ("一共交了7年") or the periods added up (社会保险法 第五十二条).
    contribution_months: int | None = None
    contribution_least: int | None = None  # bounds of the total (see Duration); None: not bounded
    contribution_most: int | None = None
    contribution_approximate: bool = False  # some period was "多"/"将近"/"大概": see the bounds
    contribution_summed: bool = False  # the total adds up more than one period
    birth_month: str | None = None  # "YYYY-MM"
    birth_year: int | None = None  # also when only the year is known ("我是75年的")
    age: int | None = None  # "今年58岁"
    sex: Sex | None = None
    retirement_category: RetirementCategory | None = None
    employment_types: list[EmploymentType] = Field(default_factory=list)
    leaving_reason: LeavingReason | None = None
    left_month: str | None = None  # "YYYY-MM" named beside 离职/辞退/到期… ("我3月份被辞退的")
    amounts: list[Amount] = Field(default_factory=list)
    # "我妈1970年出生…": the person described is not the sender (answers then avoid "您的").
    about_someone_else: bool = False

    @model_validator(mode="before")
    @classmethod
    def _exact_unless_said_otherwise(cls, data: Any) -> Any:
        """A total given alone ({"contribution_months": 84} from an earlier turn) is exact."""
        if isinstance(data, dict) and "employment_type" in data:  # derived (as_dict shows it); not stored
            data = {k: v for k, v in data.items() if k != "employment_type"}
        if isinstance(data, dict) and data.get("contribution_months") is not None:
            if not data.get("contribution_approximate") and "contribution_least" not in data:
                data = {**data, "contribution_least": data["contribution_months"]}
            if not data.get("contribution_approximate") and "contribution_most" not in data:
                data = {**data, "contribution_most": data["contribution_months"]}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def employment_type(self) -> EmploymentType | None:
        """The most specific employment type named (试用期 or 派遣 over a plain 劳动合同)."""
        specific = [t for t in self.employment_types if t != "labour_contract"]
        return (specific or self.employment_types or [None])[0]

    @property
    def contribution_places(self) -> int:
        """How many distinct places the contribution periods were paid in (those naming one)."""
        return len({p.place for p in self.contribution_periods if p.place})

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


# -- normalisation ---------------------------------------------------------------------

_CLAUSE_END = re.compile(r"[，。！？；,!?;\n]")
_CLAUSE_BREAK = re.compile(r"[，。！？；,!?;\n]|后来|然后|之后|以后又|再后来|接着")


def _clause_around(s: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the clause of `s` that holds [start, end)."""
    left = max((m.end() for m in _CLAUSE_END.finditer(s, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE_END.finditer(s, end)), len(s))
    return left, right


@dataclass
class _Text:
    """The message being read; every reader blanks what it used so no one reads it twice."""

    s: str

    def __post_init__(self) -> None:
        self.original = self.s  # as it came, for the words around a figure

    def forward_at(self, start: int, end: int) -> bool:
        """Whether the clause around [start, end) looks ahead ("打算12月辞职", "下个月…")."""
        left, right = _clause_around(self.original, start, end)
        return bool(_FORWARD.search(self.original, left, right))

    def take(self, match: re.Match[str]) -> None:
        start, end = match.span()
        self.s = self.s[:start] + " " * (end - start) + self.s[end:]


def _prepare(text: str) -> str:
    return read_numbers(simplify(text))


# -- money, phones, ID numbers ---------------------------------------------------------

_AMOUNT = re.compile(
    r"(?:大概|大约|约|差不多|将近)?[¥￥]?\s*(?<![\d.])(?P<num>\d+(?:\.\d+)?)\s*(?P<mult>万|千|百)?(?P<tail>(?<=[万千])\d(?![\d.]))?(?P<more>多)?\s*"
    r"(?P<unit>元钱|元|块钱|块|rmb|人民币)|[¥￥]\s*(?P<num2>\d+(?:\.\d+)?)"
)
_MULT = {"万": 10000, "千": 1000, "百": 100}


def _value(num: str, mult: str | None, tail: str | None) -> Decimal:
    """ "6千5" is 6500 and "1万2" 12000: a digit after the unit counts in the unit below it."""
    value = Decimal(num)
    if mult:
        value = value * _MULT[mult] + (Decimal(tail) * _MULT[mult] / 10 if tail else 0)
    return _whole(value)


# Digits that are an identifier, never a quantity: ID numbers, mobiles, codes, 12333, long runs.
# Masked ones too ("1101**********123X", "138****5678"), and the gateway's handles (idref_…, letters only).
_IDENTIFIER = re.compile(
    r"(?<![0-9])\d{5,}[0-9xX]?(?![0-9])|(?<![0-9])\d{17}[0-9xX](?![0-9a-zA-Z])"
    r"|\d*\*{3,}[\d*]*[0-9xX]?|(?:idref|coderef)_[a-z]+"
)


# A bare figure after a money word: "工资4500", "每个月1800", "月薪6千".
_AMOUNT_CONTEXT = re.compile(
    r"(?:工资|月薪|薪水|薪资|底薪|收入|基数|每月|每个月|一个月|补偿金?|赔偿金?|领了|拿了|发了|到账|扣了)"
    r"(?:是|有|才|就|大概|大约|差不多|只有|只|共|一共)?\s*(?<![\d.])(?P<num>\d+(?:\.\d+)?)\s*(?P<mult>万|千|k|K)?(?P<tail>(?<=[万千])\d(?![\d.]))?(?P<more>多)?"
    r"(?![\d年月个号日天岁%.])"
)


def _whole(value: Decimal) -> Decimal:
    """1.5万 → 15000, not 15000.0 (the JSON shows what the person meant)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _amounts(text: _Text) -> list[Amount]:
    found: list[Amount] = []
    for match in list(_AMOUNT_CONTEXT.finditer(text.s)):
        mult = (match.group("mult") or "").replace("k", "千").replace("K", "千")
        value = _value(match.group("num"), mult, match.group("tail"))
        if value < 100:
            continue  # "每月2" is not money
        found.append(Amount(text=match.group(0).strip(), yuan=value, approximate=bool(match.group("more"))))
        start = match.start("num")
        text.s = text.s[:start] + " " * (match.end() - start) + text.s[match.end() :]
    for match in list(_AMOUNT.finditer(text.s)):
        raw = match.group("num") or match.group("num2")
        try:
            value = _value(raw, match.group("mult"), match.group("tail"))
        except InvalidOperation:
            continue
        approx = bool(match.group("more")) or match.group(0).startswith(("大概", "大约", "约", "差不多", "将近"))
        found.append(Amount(text=match.group(0).strip(), yuan=value, approximate=approx))
        text.take(match)
    return found


def _drop_identifiers(text: _Text) -> None:
    for match in list(_IDENTIFIER.finditer(text.s)):
        text.take(match)


# -- years ------------------------------------------------------------------------------


def _full_year(raw: str, today: date, *, birth: bool = False) -> int | None:
    """4 digits as they are; 2 digits ("67年", "25年3月") in the century that makes sense."""
    if len(raw) == 4:
        year = int(raw)
        return year if 1900 <= year <= today.year + 10 else None
    if len(raw) != 2:
        return None
    yy = int(raw)
    if birth:  # an adult's birth year: at least 14 years ago
        return 2000 + yy if 2000 + yy <= today.year - 14 else 1900 + yy
    return 2000 + yy if 2000 + yy <= today.year + 1 else 1900 + yy


_RELATIVE_YEAR = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}


# -- birth, age, sex, category ------------------------------------------------------------

_BIRTH = re.compile(
    r"(?:出生于|生于|出生(?:年月|日期)?(?:是|为|[:：])?\s*)?"
    r"(?P<year>\d{4}|\d{2})\s*(?:年|\.|/|-)\s*(?P<month>\d{1,2})\s*(?:月份?)?(?:\s*\d{1,2}\s*[日号]?)?\s*"
    r"(?P<tail>出生的?|出生|生人|生的|生(?!了|孩|小|病|产|育|意|活))"
    r"|(?:出生于|生于|出生(?:年月|日期)(?:是|为|[:：])?\s*)"
    r"(?P<year2>\d{4}|\d{2})\s*(?:年|\.|/|-)\s*(?P<month2>\d{1,2})(?:\s*月份?)?(?:\s*\d{1,2}\s*[日号])?"
)
_BIRTH_YEAR = re.compile(
    r"(?P<lead>我是|本人是?|他是|她是|是)?(?P<year>\d{4}|\d{2})\s*年"
    r"(?P<tail>的人|的|出生|生人|生的|生(?!了|孩|小|病|产|育|意|活))(?!\d)"
    r"|(?:出生于|生于)(?P<year2>\d{4}|\d{2})\s*年"
)
# "交了10年的社保", "上了15年的班": a duration before 的, not a birth year.
_DURATION_VERB = re.compile(r"(?:交|缴|干|上|做|工作|参保|待|领|满|够)了?\s*$")
# "58岁", and "我今年五十五了" (an age said without 岁: this year + a figure + 了).
_AGE = re.compile(
    r"(?P<age>\d{2})\s*(?:周岁|岁)|今年\s*(?:都|已经|才)?\s*(?P<age2>\d{2}|[一二三四五六七八]十[一二三四五六七八九]?)\s*了"
)


_MALE = re.compile(r"(?:^|[我是本人性别为:：，,\s])男(?!朋友|友|孩|儿|生宿舍)|男(?:性|的|职工|同志|工人|士)")
_FEMALE = re.compile(
    r"(?:^|[我是本人性别为:：，,\s])女(?!朋友|友|孩|儿|婿|士们)|女(?:性|的|职工|同志|工人|干部|士)|妇女"
)
_CADRE = re.compile(r"女干部|干部|管理岗|技术岗|专业技术|管理人员|管理岗位|技术岗位|原55岁退休|55岁退休的")
_WORKER = re.compile(r"女工人|女工(?!资|作)|工人|生产岗|一线|车间|普工|操作工|生产线|原50岁退休|50岁退休的")


def _birth(text: _Text, today: date) -> tuple[str | None, int | None]:
    match = _BIRTH.search(text.s)
    if match is not None:
        raw_year = match.group("year") or match.group("year2")
        raw_month = match.group("month") or match.group("month2")
        year = _full_year(raw_year, today, birth=True)
        month = int(raw_month)
        if year is not None and 1 <= month <= 12 and year < today.year:
            text.take(match)
            return f"{year:04d}-{month:02d}", year
    for match in _BIRTH_YEAR.finditer(text.s):
        if match.group("year") is not None:
            if _DURATION_VERB.search(text.s[max(0, match.start() - 4) : match.start()]):
                continue
            # "75年的" is a birth year when said of oneself ("我是75年的") or of a man or woman
            # ("75年的女工人"); otherwise "2005年的" is just a year.
            said_of_person = match.group("lead") or re.match(r"\s*(?:男|女|人)", text.s[match.end() :])
            if match.group("tail") == "的" and not said_of_person:
                continue
        year = _full_year(match.group("year") or match.group("year2"), today, birth=True)
        if year is not None and year < today.year - 14:
            text.take(match)
            return None, year
        break
    return None, None


def _age(text: _Text) -> int | None:
    match = _AGE.search(text.s)
    if match is None:
        return None
    # "五十五" stays in words: read_numbers reads numerals only before a unit.
    age = int(cn2an.cn2an(match.group("age") or match.group("age2"), "smart"))
    if not 14 <= age <= 80:
        return None
    text.take(match)
    return age


def _sex(original: str) -> Sex | None:
    original = re.sub(r"男女|女男", "  ", original)  # "男女退休年龄" names both, and neither is the sender
    male, female = _MALE.search(original), _FEMALE.search(original)
    if male and not female:
        return "male"
    if female and not male:
        return "female"
    if male and female:  # "男女退休年龄一样吗": about people in general, unless the sender says which
        own = re.search(r"(?:我是|本人|性别[:：]?|我)(男|女)", original)
        return None if own is None else ("male" if own.group(1) == "男" else "female")
    return None


def _category(original: str, sex: Sex | None) -> RetirementCategory | None:
    if sex == "male":
        return RetirementCategory.male
    if sex != "female":
        return None
    cadre, worker = _CADRE.search(original), _WORKER.search(original)
    if cadre and not worker:
        return RetirementCategory.female_cadre
    if worker and not cadre:
        return RetirementCategory.female_worker
    return None  # a woman's original age (50 or 55) depends on her post; the message does not say


# -- dates and months ---------------------------------------------------------------------

_FULL_DATE = re.compile(
    r"(?P<rel>前年|去年|今年|明年)?(?:(?P<year>\d{4}|\d{2})\s*(?:年|-|/|\.)\s*)?"
    r"(?P<month>\d{1,2})\s*(?:月|-|/|\.)\s*(?P<day>\d{1,2})\s*(?:日|号)?(?![0-9个月年])"
)
_RELATIVE_DAY = {"大前天": -3, "前天": -2, "昨天": -1, "今天": 0, "明天": 1, "后天": 2}
_RELATIVE_DAY_RE = re.compile("|".join(_RELATIVE_DAY))
# "2026年3月", "25年10月份", "去年10月", "10月份", "9、10月", "9月和10月", "9到12月".
_MONTH_LIST = re.compile(
    r"(?P<rel>前年|去年|今年|明年)?(?:(?<!\d)(?P<year>\d{4}|\d{2})\s*年\s*)?"
    r"(?<!\d)(?P<months>\d{1,2}(?:\s*(?:月份?)?\s*(?:、|,|，|和|及|与|跟|或|或者|还有|到|至|-|~|—|－)\s*\d{1,2})*)\s*月份?"
    r"(?!\d|个)"
)
_RELATIVE_MONTH = re.compile(r"上上个?月|上个?月|这个?月|本月|当月|下个?月|(?P<n>\d{1,2})\s*个月(?:以|之)?前")
# Words that put a bare month ahead of today ("打算12月离职"); past narratives ("离职之后") do not.
_FORWARD = re.compile(r"下个?月|明年|打算|准备|计划|将来|马上|即将|快要|就要|将要")


def _month_of(month: int, today: date, *, year: int | None, forward: bool) -> str | None:
    if not 1 <= month <= 12:
        return None
    if year is None:
        year = today.year
        if month > today.month and not forward:
            year -= 1
    return f"{year:04d}-{month:02d}"


def _dates(text: _Text, today: date) -> list[tuple[int, int, date]]:
    """Dates with their spans (the spans place each date's month among the months named)."""
    found: list[tuple[int, int, date]] = []
    for match in list(_FULL_DATE.finditer(text.s)):
        raw_year, rel = match.group("year"), match.group("rel")
        explicit_year = _full_year(raw_year, today) if raw_year else None
        month, day = int(match.group("month")), int(match.group("day"))
        # "3.5" or "3-5" without a year and without 日/号 is more likely a number than a date.
        if raw_year is None and not re.search(r"[月日号]", match.group(0)):
            continue
        if explicit_year is not None:
            year = explicit_year
        elif rel:
            year = today.year + _RELATIVE_YEAR[rel]
        else:
            forward = text.forward_at(*match.span())
            year = parse_month(_month_of(month, today, year=None, forward=forward) or month_str(today)).year
        try:
            found.append((match.start(), match.end(), date(year, month, day)))
        except ValueError:
            continue
        text.take(match)
    for match in list(_RELATIVE_DAY_RE.finditer(text.s)):
        found.append((match.start(), match.end(), today + timedelta(days=_RELATIVE_DAY[match.group(0)])))
        text.take(match)
    return found


def _expand(numbers: list[tuple[int, str]]) -> Iterator[tuple[int, bool]]:
    """(month, starts_new_year) for "9、10月" and ranges "10到12月"; a range may wrap: "11到2月"."""
    previous: int | None = None
    for number, joiner in numbers:
        if previous is not None and joiner in ("到", "至", "-", "~", "—", "－") and 1 <= number <= 12:
            step = previous
            while step != number:
                step = step % 12 + 1
                yield step, step == 1
        else:
            yield number, previous is not None and number < previous
        previous = number


_RANGE_JOINERS = ("到", "至", "-", "~", "—", "－")


@dataclass(frozen=True)
class _Span:
    """A range of months as said ("2019年3月到2023年8月"), its ends included."""

    first: str
    last: str
    start: int
    end: int


def _months(
    text: _Text, today: date, dated: list[tuple[int, int, date]] | None = None, spans: list[_Span] | None = None
) -> list[str]:
    """Months named, in text order; `dated` adds the months of the dates found ("9月20号到11月5号").

    `spans`, when given, receives each range of months said with its ends.
    """
    mentions: list[tuple[int, int, list[str]]] = [(a, b, [month_str(day)]) for a, b, day in dated or []]
    for match in list(_MONTH_LIST.finditer(text.s)):
        rel, raw_year = match.group("rel"), match.group("year")
        year: int | None = None
        if raw_year:
            year = _full_year(raw_year, today)
            if year is None:
                continue
        elif rel:
            year = today.year + _RELATIVE_YEAR[rel]
        parts = re.findall(
            r"(\d{1,2})\s*(?:月份?)?\s*(、|,|，|和|及|与|跟|或者|或|还有|到|至|-|~|—|－)?", match.group("months")
        )
        numbers: list[tuple[int, str]] = []
        joiner = ""
        for number, next_joiner in parts:
            numbers.append((int(number), joiner))
            joiner = next_joiner
        if any(not 1 <= n <= 12 for n, _ in numbers):
            continue
        months: list[str] = []
        for number, wraps in _expand(numbers):
            if year is None:
                # The first month without a year fixes the year of the ones after it ("11到2月").
                first = _month_of(number, today, year=None, forward=text.forward_at(*match.span()))
                year = parse_month(first).year if first else None
            elif wraps:
                year += 1
            if year is not None:
                months.append(f"{year:04d}-{number:02d}")
        mentions.append((match.start(), match.end(), months))
        text.take(match)
    for match in list(_RELATIVE_MONTH.finditer(text.s)):
        word = match.group(0)
        if match.group("n"):
            shift = -int(match.group("n"))
        elif word.startswith("上上"):
            shift = -2
        elif word.startswith("上"):
            shift = -1
        elif word.startswith("下"):
            shift = 1
        else:
            shift = 0
        mentions.append((match.start(), match.end(), [month_str(add_months(today.replace(day=1), shift))]))
        text.take(match)
    mentions.sort()
    found: list[str] = []
    previous_start = 0
    previous_end: int | None = None
    for start, end, months in mentions:
        between = text.s[previous_end:start].strip() if previous_end is not None else None
        if between in _RANGE_JOINERS and found and months:
            # "去年11月到今年2月": every month of the span, the ends included.
            if spans is not None:
                spans.append(_Span(found[-1], months[0], previous_start, end))
            step = parse_month(found[-1])
            last = parse_month(months[0])
            while step < last:
                step = add_months(step, 1)
                found.append(month_str(step))
            found.extend(months[1:])
        else:
            found.extend(months)
        previous_start, previous_end = start, end
    return found


# "2019年3月到2023年8月在公司交的社保": a range of months said with paying, not with the benefit.
_SPAN_PAID = re.compile(r"交|缴|参保|上班|工作|干了|干的|做了|做的|打工")
_SPAN_NOT_PAID = re.compile(r"领|失业金|失业保险金|发|补|没交|断|停|核验|申领|待业|在家|找工作|没工作|没上班")


def _span_contributions(spans: list[_Span], original: str) -> list[_Found]:
    """The ranges of months a clause says were paid for, as contribution periods."""
    found: list[_Found] = []
    for span in spans:
        left, right = _clause_around(original, span.start, span.end)
        clause = original[left:right]
        if not _SPAN_PAID.search(clause) or _SPAN_NOT_PAID.search(clause):
            continue
        first, last = parse_month(span.first), parse_month(span.last)
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if not 0 < months <= _MAX_CONTRIBUTION:
            continue
        said = original[span.start : span.end].strip()
        duration = Duration(text=said, months=months, least=months, most=months, kind="contribution")
        found.append(_Found(duration, _place(clause), total=False, part=False, separate=True))
    return found


# -- durations and contribution periods -----------------------------------------------------

_DURATION = re.compile(
    r"(?P<pre>大概|大约|差不多|将近|接近|不到|不满|没满|未满|快|约|超过|多于)?"
    r"(?:(?<![\d.])(?P<y>\d{1,2}(?:\.\d)?)\s*(?P<ymore>多|几|来)?\s*年(?P<yhalf>半)?(?P<ymore2>多)?"
    r"(?:\s*(?:零|又)?\s*(?P<ym>\d{1,2})\s*(?P<ymmore>多)?\s*个\s*月(?P<ymhalf>半)?)?"
    r"|(?P<half_year>半年)(?P<hymore>多)?"
    r"|(?<![\d.])(?P<m>\d{1,3})\s*(?P<mhalf>个半)?(?P<mmore>多)?\s*个\s*(?P<mmore2>多)?\s*月(?P<mhalf2>半)?)"
    r"(?P<post>左右|上下|出头|以上|以下|不到)?"
)
_HEDGE = re.compile(r"大概|大约|差不多|估计|好像|可能|应该是|记不清|左右|吧")
_BELOW = ("将近", "接近", "不到", "不满", "没满", "未满", "快")
_ABOUT = ("大概", "大约", "差不多", "约")
_CONTRIBUTION_WORD = re.compile(
    r"交|缴|参保|社保|失业险|失业保险|工作|上班|干了|做了|打工|上了|干过|做过|待了|做满|干满|做够|干够"
)
_UNEMPLOYED_WORD = re.compile(r"离职|辞职|失业了|没工作|待业|辞退|没上班|在家|下岗|离开|断(?!断|续)|停")
_RECEIVING_WORD = re.compile(r"领了|领取了|已经领|拿了|发了|领过|拿过|已领")
_BENEFIT_WORD = re.compile(r"领|拿|发放|补发|延长|续发")
_TOTAL_WORD = re.compile(r"一共|总共|累计|合计|加起来|总计|前后|总的|总数")
_PART_WORD = re.compile(r"其中|包括|包含|里面有")
_PLACE = re.compile(
    r"在(?P<place>[\u4e00-\u9fff]{2,8}?)(?:市|省|区|县)?(?:那边|这边|那里|这里)?"
    r"(?:交|缴|工作|上班|干|参保|打工|做)"
)
_NOT_PLACE = re.compile(r"^(?:单位|公司|厂里|原单位|老单位|上家|这家|那家|之前|以前|现在|老家那|这个|那个)")
# A clause that is only a place (and a joining word) before the figure: "大连3年", "后来在大连也3年".
_BARE_CLAUSE = re.compile(
    r"^\s*(?:又|再|也|还)?\s*(?:在|去|到)?\s*[\u4e00-\u9fff]{0,8}?(?:那边|这边)?\s*(?:又|也|还)?\s*$"
)


@lru_cache(maxsize=1)
def _places() -> PlaceFinder:
    return PlaceFinder()


@dataclass(frozen=True)
class _Reading:
    months: int  # the figure as said
    least: int | None
    most: int | None
    approximate: bool


def _reading(match: re.Match[str]) -> _Reading | None:
    """The months a duration means, with its bounds: "1年多" is 12 to 23, "将近5年" at most 59."""
    group = match.group
    pre, post = group("pre") or "", group("post") or ""
    loose = False  # "3个多月", "2个半月": whole months of contributions are still the figure
    if group("y") is not None:
        years = float(group("y"))
        months = round(years * 12) + (6 if group("yhalf") else 0)
        least, most = months, months
        if group("ymore") == "来":  # "10来年": about ten years, either side
            return _Reading(months, None, None, True)
        if group("ymore") == "几":  # "10几年": 11 to 19 years
            months = least = (int(years) + 1) * 12
            most = (int(years) + 9) * 12 + 11
        elif group("ymore") or group("ymore2") or post == "出头":  # "1年多": a year or more, under two
            most = months + 11
        if group("ym") is not None:  # "4年11个月"
            months += int(group("ym"))
            least = months
            most = max(most, months)
            loose = bool(group("ymmore") or group("ymhalf"))
    elif group("half_year") is not None:
        months, least, most = 6, 6, 11 if group("hymore") else 6
    elif group("m") is not None:
        months = least = most = int(group("m"))
        loose = bool(group("mmore") or group("mmore2") or group("mhalf") or group("mhalf2"))
    else:
        return None
    if pre in _BELOW or post in ("以下", "不到"):
        return _Reading(months, None, months - 1, True)
    if pre in _ABOUT or post in ("左右", "上下"):
        return _Reading(months, None, None, True)
    if pre in ("超过", "多于") or post == "以上":
        return _Reading(months, months, None, True)
    return _Reading(months, least, most, loose or least != most)


_MAX_FIGURES = 40  # a message with more durations than this is not a story about one person
_CLAUSE_REACH = 30  # characters looked back for a figure's words and place: a clause, not the story


def _clause_before(s: str, start: int) -> str:
    """The text from the last clause break up to `start` (at most _CLAUSE_REACH characters)."""
    head = s[max(0, start - _CLAUSE_REACH) : start]
    breaks = list(_CLAUSE_BREAK.finditer(head))
    return head[breaks[-1].end() :] if breaks else head


# Paying again after a break: "断了半年又交了8个月" — the 8 months are contributions, though the
# clause also says 断.
_RESUMED_WORD = re.compile(r"(?:又|再|接着|继续|重新)(?:交|缴|参保|上班|上了|工作|干了)")


def _kind(before: str, after: str) -> DurationKind:
    if _RECEIVING_WORD.search(before) or re.match(r"\s*的?(?:失业金|失业保险金)", after):
        return "receiving"
    resumed = list(_RESUMED_WORD.finditer(before))
    unemployed = list(_UNEMPLOYED_WORD.finditer(before))
    if resumed and (not unemployed or resumed[-1].start() > unemployed[-1].start()):
        return "contribution"
    if unemployed or re.match(r"\s*(?:没|了没|未)(?:工作|上班|就业|交)", after):
        return "unemployed"
    if _CONTRIBUTION_WORD.search(before) or re.match(r"\s*的?(?:社保|失业保险|失业险|保险|工龄)", after):
        return "contribution"
    if _BENEFIT_WORD.search(before):
        return "benefit"
    return "other"


def _place(before: str) -> str | None:
    named = _places().find(before)
    if named:
        return named[-1]
    match = _PLACE.search(before)
    if match is None or _NOT_PLACE.match(match.group("place")):
        return None
    return match.group("place")


@dataclass(frozen=True)
class _Found:
    duration: Duration
    place: str | None
    total: bool
    part: bool
    separate: bool = False  # the text before it names another place, employer or a sequence ("后来")
    specific: bool = False  # about unemployment insurance itself ("失业保险交了5年")


# Evidence that a second figure is another period, not the first one said again.
_SEPARATE_WORD = re.compile(r"又|再|后来|然后|之后|先|另外|还有|加上|公司|厂|这家|那家|上家|前一家|第.家|换了")
_SPECIFIC_WORD = re.compile(r"失业保险|失业险")


_SPAN_RANGE = re.compile(r"(?<![\d.])(?P<a>\d{1,2})\s*(?:到|至|-|~|—|－)\s*(?P<b>\d{1,2})\s*(?P<unit>年|个月)")
_RANGE_JOIN = re.compile(r"^\s*(?:到|至|-|~|—|－)\s*$")


def _range_readings(s: str) -> list[tuple[re.Match[str], _Reading]]:
    """ "3到4年", "8-10个月": one duration known to lie between two figures."""
    out: list[tuple[re.Match[str], _Reading]] = []
    for match in _SPAN_RANGE.finditer(s):
        unit = 12 if match.group("unit") == "年" else 1
        low, high = int(match.group("a")) * unit, int(match.group("b")) * unit
        if 0 < low < high:
            out.append((match, _Reading(low, low, high + (unit - 1), True)))
    return out


def _durations(text: _Text, original: str) -> list[_Found]:
    found: list[_Found] = []
    s = text.s
    readings = _range_readings(s)
    taken = [m.span() for m, _ in readings]
    readings += [
        (m, r)
        for m in _DURATION.finditer(s)
        if not any(a <= m.start() < b for a, b in taken) and (r := _reading(m)) is not None
    ]
    readings.sort(key=lambda pair: pair[0].start())
    readings = readings[:_MAX_FIGURES]
    previous_end = first_start = -1
    for match, reading in readings:
        if not 0 < reading.months <= 720:
            continue
        if found and _RANGE_JOIN.match(s[previous_end : match.start()]):
            # "4年多到5年": the second figure closes the first one's range.
            first = found[-1].duration
            merged = first.model_copy(
                update={
                    "text": original[first_start : match.end()].strip(),
                    "most": reading.most,
                    "approximate": True,
                }
            )
            found[-1] = dataclasses.replace(found[-1], duration=merged)
            previous_end = match.end()
            continue
        lead = s[max(previous_end, match.start() - _CLAUSE_REACH, 0) : match.start()]
        first_start, previous_end = match.start(), match.end()
        before = _clause_before(s, match.start())
        if not reading.approximate and _HEDGE.search(before + s[match.end() : match.end() + 4]):
            reading = _Reading(reading.months, None, None, True)  # "社保大概交了5年": about 5 years
        kind = _kind(before, s[match.end() : match.end() + 8])
        if (
            kind == "other"
            and found
            and found[-1].duration.kind == "contribution"
            and _BARE_CLAUSE.match(before)
            and _place(before)
        ):
            kind = "contribution"  # "在沈阳交了4年，大连3年": the second figure continues the list
        duration = Duration(
            text=original[match.start() : match.end()].strip(),
            months=reading.months,
            least=reading.least,
            most=reading.most,
            approximate=reading.approximate,
            kind=kind,
        )
        found.append(
            _Found(
                duration,
                _place(before),
                total=bool(_TOTAL_WORD.search(before)),
                part=bool(_PART_WORD.search(before)),
                separate=bool(_place(lead) or _SEPARATE_WORD.search(lead)),
                specific=bool(_SPECIFIC_WORD.search(before + s[match.end() : match.end() + 6])),
            )
        )
    for match, _ in readings:
        text.take(match)
    return found


_MAX_CONTRIBUTION = 720  # 60 years


def _sum(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _contribution(found: list[_Found]) -> dict[str, Any]:
    contributions = [f for f in found if f.duration.kind == "contribution"]
    periods = [
        ContributionPeriod(
            place=f.place,
            months=f.duration.months,
            least=f.duration.least,
            most=f.duration.most,
            approximate=f.duration.approximate,
            text=f.duration.text,
        )
        for f in contributions
        if not f.total
    ]
    totals = [f.duration for f in contributions if f.total]
    if totals:  # a stated total is the total; the periods beside it are its parts
        total = totals[-1]
        return {
            "contribution_periods": periods,
            "contribution_months": total.months,
            "contribution_least": total.least,
            "contribution_most": total.most,
            "contribution_approximate": total.approximate,
            "contribution_summed": False,
        }
    # "交了7年，其中在大连3年": the part is inside the whole, not added to it.
    parts = [f for f in contributions if not f.total]
    added = [p for p, f in zip(periods, parts, strict=True) if not f.part]
    if not added:
        return {"contribution_periods": periods}
    kept = [f for f in parts if not f.part]
    if len(added) > 1 and not all(f.separate for f in kept[1:]):
        # "社保交了7年，失业保险交了5年": the same time said twice, not two periods. The figure
        # for unemployment insurance itself wins, else the last one said.
        specific = [p for p, f in zip(added, kept, strict=True) if f.specific]
        added = [(specific or added)[-1]]
    if sum(p.months for p in added) > _MAX_CONTRIBUTION:
        return {"contribution_periods": periods}  # longer than a working life: not a reading to compute on
    return {
        "contribution_periods": periods,
        "contribution_months": sum(p.months for p in added),
        "contribution_least": _sum([p.least for p in added]),
        "contribution_most": _sum([p.most for p in added]),
        "contribution_approximate": any(p.approximate for p in added),
        "contribution_summed": len(added) > 1,
    }


# -- employment type and leaving reason ------------------------------------------------------

_EMPLOYMENT: list[tuple[EmploymentType, re.Pattern[str]]] = [
    ("dispatch", re.compile(r"劳务派遣|派遣")),
    (
        "flexible",
        re.compile(r"灵活就业|个体户|个体工商|个体|自由职业|以个人身份|个人身份参保|自己交的社保|自己交社保|挂靠"),
    ),
    ("rural_contract_worker", re.compile(r"农民合同制|农民工|农村户口|农业户口")),
    ("probation", re.compile(r"试用期")),
    ("part_time", re.compile(r"非全日制|小时工|钟点工|兼职")),
    ("labour_contract", re.compile(r"劳动合同|合同工|正式工|签了合同|签过合同")),
]
_LEAVING: list[tuple[LeavingReason, re.Pattern[str]]] = [
    ("forced_resignation", re.compile(r"被迫辞职|被迫离职|逼.{0,4}辞职|不交社保.{0,6}辞职|欠.{0,4}工资.{0,6}辞职")),
    ("employer_closed", re.compile(r"倒闭|破产|关门|关停|停产|注销|解散|撤销|黄了")),
    (
        "dismissed",
        re.compile(
            r"辞退|开除|解雇|裁员|被裁|裁掉|裁了|优化掉|炒了|劝退|解除.{0,2}劳动合同|解除合同|不要我|让我走|叫我走|不让我干"
        ),
    ),
    ("contract_expired", re.compile(r"合同到期|合同期满|到期不续|不续签|没续签|不再续签|终止劳动合同|合同终止")),
    ("resigned", re.compile(r"主动辞职|自己辞职|我辞职|辞职了|主动离职|自愿离职|自离|裸辞|辞的职|自己不干")),
]


def _employment(original: str) -> list[EmploymentType]:
    return [kind for kind, pattern in _EMPLOYMENT if pattern.search(original)]


_DENIED = re.compile(r"(?:不是|没有|并非|并不是|没)(?:我)?(?:自己)?$")


def _leaving(original: str) -> LeavingReason | None:
    """The first reason (in _LEAVING's order) the message states and does not deny ("不是我主动辞职的")."""
    for reason, pattern in _LEAVING:
        for match in pattern.finditer(original):
            if not _DENIED.search(original[max(0, match.start() - 6) : match.start()]):
                return reason
    return None


_LEFT_WORD = re.compile(
    r"离职|辞职|辞退|开除|解雇|裁|到期|解除|倒闭|破产|失业(?!金|保险|险|登记|证|人员)|下岗|离开|不干了|走的|没干了"
)
_SOMEONE_ELSE = re.compile(
    r"我(?:妈|爸|母亲|父亲|老公|老婆|爱人|丈夫|妻子|媳妇|儿子|女儿|哥|姐|弟|妹|朋友|同事|亲戚)|帮(?:我)?(?:家人|别人|朋友)"
)


def _left_month(text: str, today: date) -> str | None:
    """The month of the clause that says the job ended ("我3月份被辞退的", "2025年12月31日离职")."""
    for clause in re.split(r"[，。！？；,!?;\n]", text):
        if not _LEFT_WORD.search(clause):
            continue
        work = _Text(clause)
        _amounts(work)
        _drop_identifiers(work)
        _birth(work, today)
        days = _dates(work, today)
        months = [month_str(day) for _, _, day in days] or _months(work, today)
        if months:
            return months[0]
    return None


# -- known facts -----------------------------------------------------------------------------

# What stays true of the person from one turn to the next. The months, dates, amounts and
# durations a message names are about that message ("那10月和11月的钱…") and are not carried.
PERSON_FIELDS = frozenset(
    {
        "contribution_periods",
        "contribution_months",
        "contribution_least",
        "contribution_most",
        "contribution_approximate",
        "contribution_summed",
        "birth_month",
        "birth_year",
        "age",
        "sex",
        "retirement_category",
        "employment_types",
        "leaving_reason",
        "left_month",
        "about_someone_else",
    }
)


def _from_known(known: Mapping[str, Any] | None) -> dict[str, Any]:
    """Facts given earlier, as Facts fields; values that do not validate are dropped, not fatal."""
    if not known:
        return {}
    out: dict[str, Any] = {}
    fields = PERSON_FIELDS
    for key, value in known.items():
        if value is None:
            continue
        if key == "birth_date":
            try:
                born = value if isinstance(value, date) else date.fromisoformat(str(value))
            except ValueError:
                continue
            out.setdefault("birth_month", month_str(born))
            out.setdefault("birth_year", born.year)
            continue
        if key == "category":
            key = "retirement_category"
        if key == "employment_type":
            key, value = "employment_types", [value]
        if key not in fields:
            continue
        try:
            Facts.model_validate({key: value})
        except ValidationError:
            continue
        out[key] = value
    return out


_CONTRIBUTION_FIELDS = (
    "contribution_periods",
    "contribution_months",
    "contribution_least",
    "contribution_most",
    "contribution_approximate",
    "contribution_summed",
)


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or value is False


# -- the reader ----------------------------------------------------------------------------


def understand(text: str, today: date, known: Mapping[str, Any] | None = None) -> Facts:
    """The facts `text` states, completed by `known` (facts from earlier turns) where it says nothing.

    A fact the message states again replaces the known one.
    """
    original = _prepare(text)
    work = _Text(original)
    amounts = _amounts(work)
    _drop_identifiers(work)
    birth_month, birth_year = _birth(work, today)
    age = _age(work)
    dates = _dates(work, today)
    # Months ("2026年3月", "25年10月") before durations, so a year-month is never read as "25年".
    spans: list[_Span] = []
    months = _months(work, today, dates, spans)
    found = _span_contributions(spans, original) + _durations(work, original)
    contribution = _contribution(found)
    sex = _sex(original)
    stated: dict[str, Any] = {
        "months": list(dict.fromkeys(months)),
        "dates": [day for _, _, day in dates],
        "durations": [f.duration for f in found],
        **contribution,
        "birth_month": birth_month,
        "birth_year": birth_year,
        "age": age,
        "sex": sex,
        "employment_types": _employment(original),
        "leaving_reason": _leaving(original),
        "left_month": _left_month(original, today),
        "amounts": amounts,
        "about_someone_else": bool(_SOMEONE_ELSE.search(original)),
    }
    merged = _from_known(known)
    if contribution.get("contribution_months") is not None:  # a new statement replaces the old one whole
        for key in _CONTRIBUTION_FIELDS:
            merged.pop(key, None)
    if birth_month is not None or birth_year is not None:
        merged.pop("birth_month", None)
        merged.pop("birth_year", None)
    for key, value in stated.items():
        if not _is_empty(value) or key not in merged:
            merged[key] = value
    category = _category(original, merged.get("sex"))
    if category is not None:
        merged["retirement_category"] = category
    if merged.get("birth_year") is None and merged.get("birth_month"):
        merged["birth_year"] = parse_month(str(merged["birth_month"])).year
    return Facts.model_validate(merged)
