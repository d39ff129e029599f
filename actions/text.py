"""Reading claimants' text: numbers, durations, ID numbers, codes, yes/no, odd input.

Pure functions, no I/O. Chinese numerals are read by a tiny converter (the Rasa
environment has no cn2an): 八 → 8, 十二 → 12, 二十四 → 24, 两 → 2, 一百零五 → 105.
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUM = "零〇一二两俩三四五六七八九十百千"

ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
CODE = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")
PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_DURATION = re.compile(
    rf"(?P<num>[0-9]+(?:\.[0-9]+)?|[{_CN_NUM}]+)\s*(?P<half>个半)?\s*(?P<unit>年|个月|月)(?P<half2>半)?"
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def cn_to_int(text: str) -> int | None:
    """A Chinese or Arabic numeral as an int; None if it is not one."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _UNITS:
            total += (current or 1) * _UNITS[char]  # 十二: a leading 十 means 10
            current = 0
        else:
            return None
    return total + current


def contribution_months(text: str) -> int | None:
    """Months of contributions named in `text` ("交了6年", "缴费八个月", "一年半"); None if none.

    Only a duration next to a contribution word is read, so "离职两个月了" is not one.
    """
    if not re.search(r"交|缴|参保|工作了|上班|干了|社保|失业险|失业保险", text):
        return None
    months = 0
    found = False
    previous_end = None
    for match in _DURATION.finditer(text):
        # Only one period: "3年零8个月" is one, "交了3年能领12个月吗" stops after "3年".
        if previous_end is not None and text[previous_end : match.start()].strip() not in ("", "零", "又"):
            break
        previous_end = match.end()
        raw = match.group("num")
        try:
            value = float(raw) if raw[0].isdigit() else cn_to_int(raw)
        except ValueError:
            value = None
        if value is None:
            continue
        half = bool(match.group("half") or match.group("half2"))
        if match.group("unit") == "年":
            months += round(value * 12) + (6 if half else 0)
        else:
            months += round(value)
        found = True
    return months if found and 0 < months < 600 else None


def months_text(months: int) -> str:
    """36 → "3年", 18 → "1年6个月", 8 → "8个月"."""
    years, rest = divmod(months, 12)
    if not years:
        return f"{rest}个月"
    return f"{years}年" + (f"{rest}个月" if rest else "")


def find_id_number(text: str) -> str | None:
    found = ID_NUMBER.search(text.replace(" ", ""))
    return found.group(0).upper() if found else None


def find_code(text: str) -> str | None:
    found = CODE.search(text)
    return found.group(0) if found else None


def mask(text: str) -> str:
    """ID numbers, mobiles and codes masked (for transcripts and logs)."""
    text = ID_NUMBER.sub(lambda m: m.group(0)[:4] + "*" * 10 + m.group(0)[-4:], text)
    text = PHONE.sub(lambda m: m.group(0)[:3] + "****" + m.group(0)[-4:], text)
    return CODE.sub("******", text)


_YES = re.compile(r"^(有|是|对|嗯|有的|是的|对的|有一项|有情况|有变化|yes|y)[啊的呀了]*$", re.I)
_NO = re.compile(r"(没有|都没|没|无|不是|否|不存在|no\b|^n$)", re.I)


def yes_no(text: str) -> bool | None:
    """True for "有/是", False for "没有/都没有", None when it is neither."""
    clean = re.sub(r"[\s，。！!,.？?~～]", "", text)
    if not clean:
        return None
    if _NO.search(clean):
        return False
    if _YES.match(clean):
        return True
    return None


def is_emoji_only(text: str) -> bool:
    """No letter or digit at all: emoji, symbols, punctuation."""
    return bool(text.strip()) and not any(unicodedata.category(c)[0] in "LN" for c in text)


def is_foreign(text: str) -> bool:
    """Latin words and no Chinese character (an English question)."""
    return not _CJK.search(text) and len(_LATIN_WORD.findall(text)) >= 3
