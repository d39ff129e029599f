"""The chat page on a phone (390×844) in headless Chromium.

The assistant is a stand-in that echoes "已收到：<message>" (devtools/fake_rasa.py), so typing a
text the real bot says (a question with choices, a request for the ID number) makes the page
receive that text from the gateway, as it would from the bot.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.chat.schemas import MAX_MESSAGE_CHARS
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser
ID_NUMBER = "120101198001011234"
BOT = ".msg:not(.me) .bubble"


@pytest.fixture
def phone(browser: Any, live_server: dict[str, Any]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server["base"])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.goto("/chat")
    yield tab
    context.close()


def _say(chat: Any, text: str) -> Any:
    """Send `text` by typing; the newest assistant bubble once the echo arrived."""
    before = chat.locator(BOT).count()
    chat.fill("#t", text)
    chat.click("#b")
    chat.wait_for_function(f"document.querySelectorAll({BOT!r}).length > {before}")
    return chat.locator(BOT).last


def _sender(chat: Any) -> str:
    return str(chat.evaluate("localStorage.getItem('chat-sender')"))


def test_quick_replies_send_the_choice_the_bot_offers(phone: Any, live_server: dict[str, Any]) -> None:
    _say(phone, "需要我现在帮您提交补发申请吗？回复“是”提交，回复“不用”结束。")
    assert phone.locator(".quick button").all_inner_texts() == ["是", "不用"]
    phone.locator(".quick button", has_text="是").click()
    phone.wait_for_function(f"[...document.querySelectorAll({BOT!r})].some(b => b.textContent === '已收到：是')")
    assert phone.locator(".msg.me .bubble").last.inner_text() == "是"
    assert phone.locator(".quick").count() == 0
    assert live_server["rasa"].calls_for(f"web:{_sender(phone)}")[-1] == "是"

    # Numbered options become buttons that send the number; the example "如“1 3”" is no choice.
    _say(phone, "请回复是哪一项的序号（可以多个，如“1 3”）：1 找到工作 2 营业执照/法人 3 领养老金")
    assert phone.locator(".quick button").all_inner_texts() == ["1 找到工作", "2 营业执照/法人", "3 领养老金"]
    phone.locator(".quick button", has_text="营业执照").click()
    phone.wait_for_function(f"[...document.querySelectorAll({BOT!r})].some(b => b.textContent === '已收到：2')")

    # The check-in question, one option a line: asides dropped, long labels shortened.
    checkin = "本月资格核验：您是否有以下任一情况？\n1 找到工作（含灵活就业）\n5 出国（境）定居\n"
    checkin += "6 无正当理由拒绝了介绍的工作\n都没有请回复“没有”，有请回复“有”或对应序号。"
    phone.evaluate("text => answered([{text, quick_replies: []}])", checkin)
    labels = ["没有", "有", "1 找到工作", "5 出国定居", "6 无正当理由拒绝了…"]
    assert phone.locator(".quick button").all_inner_texts() == labels
    shot(phone, "19-chat-phone-quick-replies")
    phone.locator(".quick button", has_text="没有").click()
    phone.wait_for_function(f"[...document.querySelectorAll({BOT!r})].some(b => b.textContent === '已收到：没有')")

    # Buttons the dialogue engine sends (Rasa `buttons`) are offered as they are.
    rasa = live_server["rasa"]
    rasa.buttons = [{"title": "查询补发", "payload": "/ask_backpay"}]
    try:
        _say(phone, "回复“是”提交")
    finally:
        rasa.buttons = None
    assert phone.locator(".quick button").all_inner_texts() == ["查询补发"]

    # A plain answer offers nothing to tap.
    _say(phone, "审核要几天")
    assert phone.locator(".quick").count() == 0


def test_id_number_is_masked_in_the_claimants_own_bubble(phone: Any) -> None:
    assert phone.get_attribute("#t", "inputmode") in (None, "text")
    _say(phone, "为保护您的信息，先核实身份：请输入您的18位身份证号码。（回复“取消”可退出）")
    assert phone.get_attribute("#t", "inputmode") == "numeric"
    assert phone.locator("#x").is_visible()  # the last character may be X
    assert phone.locator(".quick button").all_inner_texts() == ["取消"]
    _say(phone, ID_NUMBER)
    assert phone.locator(".msg.me .bubble").last.inner_text() == "1201**********1234"
    assert ID_NUMBER not in phone.locator("#log").inner_text()
    assert phone.get_attribute("#t", "inputmode") == "text"
    # Typed with a Chinese input method (full-width) or in groups, it is masked all the same.
    _say(phone, "我的是１２０１０１１９８００１０１１２３４")
    _say(phone, "120101 19800101 1234")
    mine = phone.locator(".msg.me .bubble").all_inner_texts()[-2:]
    assert mine == ["我的是1201**********1234", "1201**********1234"]

    _say(phone, "请输入短信中的6位验证码。没收到可以回复“重发”。")
    assert phone.get_attribute("#t", "inputmode") == "numeric" and not phone.locator("#x").is_visible()
    _say(phone, "482913")
    assert phone.locator(".msg.me .bubble").last.inner_text() == "******"
    shot(phone, "20-chat-phone-masked")


def test_the_conversation_comes_back_after_a_reload_masked(phone: Any) -> None:
    _say(phone, "你好")
    _say(phone, "我的手机是13912345678，身份证" + ID_NUMBER)
    mine = "我的手机是139****5678，身份证1201**********1234"
    # Masked in its own bubble as it is sent, as the answers show numbers.
    assert phone.locator(".msg.me .bubble").last.inner_text() == mine
    asked = "请输入短信中的6位验证码。没收到可以回复“重发”。"
    _say(phone, asked)
    before = phone.locator(".msg .bubble").all_inner_texts()
    phone.reload()
    phone.wait_for_function("document.querySelectorAll('.msg.me .bubble').length >= 3")
    assert phone.locator(".msg.me .bubble").all_inner_texts() == ["你好", mine, asked]
    after = phone.locator(".msg .bubble").all_inner_texts()
    # The greeting, then every bubble once, in order (polling does not add them again).
    assert after[0] == before[0] and len(after) == len(before)
    assert after[1:4] == ["你好", "已收到：你好", mine]
    log = phone.locator("#log").inner_text()
    assert "13912345678" not in log and ID_NUMBER not in log
    # The last message still offers its choice and its keyboard after the reload.
    assert phone.locator(".quick button").all_inner_texts() == ["重发"]
    assert phone.get_attribute("#t", "inputmode") == "numeric"
    phone.wait_for_timeout(5500)  # one poll later: nothing doubled
    assert len(phone.locator(".msg .bubble").all_inner_texts()) == len(after)
    shot(phone, "21-chat-phone-history")


def test_phone_numbers_are_tap_to_call_and_bot_text_is_never_markup(phone: Any) -> None:
    bubble = _say(phone, "请拨打12333或022-23456789咨询<img src=x onerror=window.pwned=1>")
    assert bubble.locator("a[href='tel:12333']").inner_text() == "12333"
    assert bubble.locator("a[href='tel:02223456789']").inner_text() == "022-23456789"
    assert phone.locator("#log img").count() == 0 and phone.evaluate("window.pwned") is None
    assert "<img src=x" in bubble.inner_text()


def test_citation_is_set_apart_from_the_answer(phone: Any) -> None:
    # The gateway folds full-width brackets (NFKC), so the echo holds "(依据:…)"; the bot's own
    # replies keep "（依据：…）". Both are set apart.
    bubble = _say(phone, "重庆审核7个工作日（依据：渝人社办〔2025〕112号 一（四））")
    cite = bubble.locator(".cite")
    assert cite.inner_text() == "依据:渝人社办〔2025〕112号 一(四)"
    assert bubble.inner_text().startswith("已收到：重庆审核7个工作日\n")
    # An answer from /v1/answers: the citation on a line of its own, full-width as the bot sends it.
    phone.evaluate(
        "add('审核时限为7个工作日。\\n（依据：《失业保险条例》第十七条；渝人社办〔2025〕112号 一（四））', false)"
    )
    answer = phone.locator(BOT).last
    assert answer.locator(".cite").inner_text() == "依据：《失业保险条例》第十七条；渝人社办〔2025〕112号 一（四）"
    assert answer.inner_text().startswith("审核时限为7个工作日。\n依据")
    size = cite.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size < bubble.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def test_timestamps_typing_indicator_and_the_length_limit(phone: Any, live_server: dict[str, Any]) -> None:
    assert phone.locator("#count").inner_text() == f"0/{MAX_MESSAGE_CHARS}"
    assert "身份证号" in phone.locator("#privacy").inner_text()
    rasa = live_server["rasa"]
    rasa.delay = 1.5
    try:
        phone.fill("#t", "你好")
        phone.click("#b")
        phone.locator(".typing").wait_for()
        phone.locator(".typing").wait_for(state="detached")
    finally:
        rasa.delay = 0.0
    times = phone.locator(".msg .time").all_inner_texts()
    assert len(times) == 3 and all(len(t) == 5 and t[2] == ":" for t in times)

    # A long paste is kept as pasted and refused visibly, never cut.
    too_long = "问" * (MAX_MESSAGE_CHARS + 1)
    mine = phone.locator(".msg.me").count()
    phone.fill("#t", too_long)
    assert phone.locator("#count").inner_text() == f"{MAX_MESSAGE_CHARS + 1}/{MAX_MESSAGE_CHARS}"
    phone.click("#b")
    assert (
        phone.locator("#limit").is_visible() and f"超过了{MAX_MESSAGE_CHARS}字" in phone.locator("#limit").inner_text()
    )
    assert phone.input_value("#t") == too_long and phone.locator(".msg.me").count() == mine

    # The input, its placeholder and the notice fit the phone's screen.
    phone.fill("#t", "")
    assert phone.evaluate("document.querySelector('footer').getBoundingClientRect().bottom") <= 844
    fits = "(() => { const i = document.querySelector('#t'), c = document.createElement('canvas').getContext('2d');"
    fits += " c.font = getComputedStyle(i).font; return c.measureText(i.placeholder).width < i.clientWidth - 20; })()"
    assert phone.evaluate(fits)
    shot(phone, "21-chat-phone-limit")
