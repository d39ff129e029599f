"""Reading claimants' text: numerals, contribution periods, IDs, codes, yes/no, odd input."""

from __future__ import annotations

import pytest

from actions import text


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("八", 8),
        ("十", 10),
        ("十二", 12),
        ("二十四", 24),
        ("两", 2),
        ("一百零五", 105),
        ("36", 36),
        ("三十", 30),
    ],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert text.cn_to_int(numeral) == value


def test_not_a_numeral() -> None:
    assert text.cn_to_int("几") is None
    assert text.cn_to_int("") is None


@pytest.mark.parametrize(
    ("message", "months"),
    [
        ("交了6年能领多久", 72),
        ("缴费满3年能领多少个月失业金", 36),
        ("失业保险交了11年，能领多久", 132),
        ("缴费八个月能领吗", 8),
        ("交了一年半社保", 18),
        ("工作了二十年能领多久", 240),
        ("交了3年零8个月", 44),
        ("交了3年能领12个月吗", 36),  # the second period is the question, not the contribution
        ("交了十二个月", 12),
    ],
)
def test_contribution_months(message: str, months: int) -> None:
    assert text.contribution_months(message) == months


@pytest.mark.parametrize("message", ["离职两个月了还能申请吗", "失业金能领多久", "我要签到"])
def test_no_contribution_period(message: str) -> None:
    assert text.contribution_months(message) is None


def test_months_text() -> None:
    assert [text.months_text(m) for m in (8, 12, 18, 36)] == ["8个月", "1年", "1年6个月", "3年"]


def test_finds_id_number_and_code() -> None:
    assert text.find_id_number("我的身份证是 21010219850315002x 谢谢") == "21010219850315002X"
    assert text.find_id_number("1234567") is None
    assert text.find_code("验证码是482913") == "482913"
    assert text.find_code("210102198503150021") is None  # an ID number is not a code


def test_mask_hides_personal_numbers() -> None:
    masked = text.mask("身份证120101198001011234，手机13812345678，验证码 482913")
    assert "120101198001011234" not in masked and "1201**********1234" in masked
    assert "13812345678" not in masked and "138****5678" in masked
    assert "482913" not in masked


@pytest.mark.parametrize(
    ("answer", "value"),
    [
        ("没有", False),
        ("都没有", False),
        ("以上都没有。", False),
        ("无", False),
        ("有", True),
        ("有的", True),
        ("是的", True),
        ("嗯", True),
        ("什么意思", None),
        ("", None),
    ],
)
def test_yes_no(answer: str, value: bool | None) -> None:
    assert text.yes_no(answer) is value


def test_odd_input() -> None:
    assert text.is_emoji_only("😀😀👍")
    assert text.is_emoji_only("？？？")
    assert not text.is_emoji_only("好的👍")
    assert text.is_foreign("How do I apply for unemployment benefit?")
    assert not text.is_foreign("hello")
    assert not text.is_foreign("我的APP登录不了")
