"""Field types shared by the request schemas: bounded text that is safe to store, strict integers.

Text that is stored and shown again (names, summaries, notes, answers) must not carry control
characters: NUL is refused by PostgreSQL and truncates strings elsewhere, and the bidirectional
controls (U+202E RIGHT-TO-LEFT OVERRIDE and its kin) make a name or an ID number display as
something it is not. `Line` is one line (a name, a unit, a place); `Text` may hold line breaks
and tabs. Integers are strict where a JSON `true` would otherwise be read as 1.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, Strict

# C0 and C1 controls, DEL, the bidi embedding/override/isolate controls and marks, the line and
# paragraph separators, and the non-characters U+FFFE/U+FFFF.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufffe\uffff"
_IN_TEXT = re.compile(f"[{_CONTROLS}]")
_IN_LINE = re.compile(f"[{_CONTROLS}\t\n\r]")
CONTROL_MESSAGE = "不能含有控制字符或文字方向控制符（如 U+0000、U+202E）"
LINE_MESSAGE = "不能含有换行、控制字符或文字方向控制符（如 U+202E）"


def check_text(value: str) -> str:
    """Free text: line breaks and tabs are fine, other controls are refused (a ValueError in Chinese)."""
    if _IN_TEXT.search(value):
        raise ValueError(CONTROL_MESSAGE)
    return value


def check_line(value: str) -> str:
    """One line of text (a name, a unit): no line breaks either."""
    if _IN_LINE.search(value):
        raise ValueError(LINE_MESSAGE)
    return value


def has_controls(value: str) -> bool:
    return _IN_TEXT.search(value) is not None


# Bounds are set per field with Field(max_length=...) next to these types.
Text = Annotated[str, AfterValidator(check_text)]
Line = Annotated[str, AfterValidator(check_line)]
StrictInt = Annotated[int, Strict()]
# Everywhere a region is accepted (code, name or short name): policy_kb refuses anything longer too.
MAX_REGION_CHARS = 64
RegionText = Annotated[str, Field(min_length=1, max_length=MAX_REGION_CHARS), AfterValidator(check_line)]


def _iso_text(value: Any) -> Any:
    # A number would be read as seconds since 1970: a time must be written out (ISO 8601 with offset).
    if not isinstance(value, str | datetime):
        raise ValueError("应为带时区的时间，如 2026-03-10T09:00:00+08:00")
    if isinstance(value, str) and len(value) > 40:
        raise ValueError("时间格式不正确，应如 2026-03-10T09:00:00+08:00")
    return value


def _sane_year(value: datetime) -> datetime:
    if not 2000 <= value.year <= 2099:
        raise ValueError("时间的年份不在 2000 到 2099 之间")
    return value


# An ISO 8601 time with offset, in 2000-2099; never a number.
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_sane_year)]
