"""The human hand-off round trip in headless Chromium: the chat page and the console side by side.

The assistant is a stand-in (devtools/fake_rasa.py answers "已收到：<message>"), so a bubble with
"已收到：" shows that a message reached the assistant and not the paused hand-off. The ticket is
filed through the API as the action server files it (actions/handoff.py, acknowledged=true).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.staff.seed import DEMO_ACCOUNTS
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser
PASSWORDS = {username: password for username, _, _, password in DEMO_ACCOUNTS}
AUTH = {"Authorization": "Bearer dev-token"}
ANSWER = "已核实，您的离职原因已由单位更正，请您重新在网上提交申领。"


def _say(chat: Any, text: str, expect: str) -> str:
    """Type `text` on the chat page; the text of the newest assistant bubble once it contains `expect`."""
    before = chat.locator(".msg:not(.me) .bubble").count()
    chat.fill("#t", text)
    chat.click("#b")
    last = chat.locator(".msg:not(.me) .bubble").nth(before)
    last.wait_for()
    chat.wait_for_function(
        "([n, want]) => { const b = document.querySelectorAll('.msg:not(.me) .bubble');"
        " return b.length > n && b[b.length - 1].textContent.includes(want); }",
        arg=[before, expect],
    )
    return str(chat.locator(".msg:not(.me) .bubble").last.inner_text())


def _file_ticket(base: str, sender: str) -> dict[str, Any]:
    body = {
        "category": "complaint",
        "channel": "web",
        "region": "天津",
        "summary": "【投诉】地区：天津；未核验身份；诉求：窗口说材料不全却不说缺什么",
        "transcript": [{"role": "claimant", "text": "窗口说材料不全却不说缺什么"}],
        "sender": f"web:{sender}",
        "acknowledged": True,
    }
    r = httpx.post(f"{base}/v1/tickets", json=body, headers=AUTH, timeout=10)
    assert r.status_code == 201, r.text
    ticket: dict[str, Any] = r.json()
    return ticket


def _console(browser: Any, base: str) -> Any:
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN", base_url=base)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.goto("/console/tickets")
    tab.fill("input[name=username]", "operator")
    tab.fill("input[name=password]", PASSWORDS["operator"])
    tab.click("button[type=submit]")
    tab.wait_for_url("**/console/tickets")
    return tab


def test_hand_off_round_trip_with_the_claimants_rating(browser: Any, live_server: dict[str, Any]) -> None:
    base = live_server["base"]
    context = browser.new_context(viewport={"width": 390, "height": 780}, locale="zh-CN", base_url=base)
    chat = context.new_page()
    chat.set_default_timeout(20_000)
    chat.goto("/chat")
    assert "已收到：你好" in _say(chat, "你好", "已收到")
    sender = chat.evaluate("localStorage.getItem('chat-sender')")

    # 转人工: the assistant's reply was the acknowledgement; the API sends no second one.
    ticket = _file_ticket(base, sender)
    assert ticket["respond_within"].startswith("15个工作日内（") and ticket["respond_within"].endswith("日前）")
    held = _say(chat, "我再补充一下，窗口工作人员态度也不好", "转给工作人员")
    assert ticket["number"] in held and ticket["respond_within"] in held
    assert "尽快" not in held and ":" not in held.replace("：", "")  # one date format, no clock time
    later = chat.evaluate(f"fetch('/v1/chat/messages?sender={sender}').then(r => r.json())")
    assert later["messages"] == []

    # The operator answers in the console.
    console = _console(browser, base)
    console.goto(f"/console/tickets/{ticket['id']}")
    console.click("button[data-action=accept]")
    console.wait_for_selector("text=已签收")
    console.click("button[data-action=start]")
    console.wait_for_function("document.querySelector('#ticket-status').textContent === '办理中'")
    console.fill("textarea[name=answer]", ANSWER)
    console.click("button[data-action=resolve]")
    console.wait_for_function("document.querySelector('#ticket-status').textContent === '已答复待回访'")
    assert console.locator("text=会话转人工中").count() == 0  # the answer handed the conversation back

    # The claimant sees the answer labelled 工作人员, then the assistant back with the rating buttons.
    staff = chat.locator(".msg.staff")
    staff.wait_for()
    assert staff.locator(".who").inner_text() == "工作人员" and ANSWER in staff.locator(".bubble").inner_text()
    chat.locator(".quick button", has_text="不满意").wait_for()
    assert chat.locator(".quick button").all_inner_texts() == ["满意", "基本满意", "不满意"]
    assert "智能客服已回到对话" in chat.locator(".msg:not(.me):not(.staff) .bubble").last.inner_text()
    shot(chat, "10-chat-staff-answer")
    before = chat.locator(".msg:not(.me) .bubble").count()
    chat.locator(".quick button", has_text="不满意").click()
    chat.wait_for_function(f"document.querySelectorAll('.msg:not(.me) .bubble').length > {before}")
    assert "原因" in chat.locator(".msg:not(.me) .bubble").last.inner_text()
    assert chat.locator(".quick").count() == 0
    noted = _say(chat, "网上申领还是提示信息不符，电话13800001234也没人接", "已记下您的意见")
    assert ticket["number"] in noted

    # The hand-off is over: the next question reaches the assistant.
    assert _say(chat, "好的谢谢。那我1月份怎么办理核验？", "已收到").startswith("已收到：好的谢谢")
    shot(chat, "11-chat-rated")

    # The rating is on the ticket (masked) and in the dashboard's 满意率.
    console.goto(f"/console/tickets/{ticket['id']}")
    rating = console.locator("#claimant-rating").inner_text()
    assert rating.startswith("不满意") and "13800001234" not in rating and "提示信息不符" in rating
    assert "诉求人评价" in console.locator("#events").inner_text()
    stats = httpx.get(f"{base}/v1/tickets/stats", headers=AUTH, timeout=10).json()
    assert stats["rated_by_claimant"] == 1 and stats["satisfaction_rate"]["denominator"] >= 1
    console.goto("/console/dashboard")
    assert "自行评价 1 件" in console.locator("#claimant-rated").inner_text()
    shot(console, "12-dashboard-claimant-rating")

    # The operator's 回访 afterwards thanks the claimant for the rating they did give.
    console.goto(f"/console/tickets/{ticket['id']}")
    console.select_option("select[name=satisfaction]", "unsatisfied")
    console.click("button[data-action=follow_up]")
    console.wait_for_function("document.querySelector('#ticket-status').textContent === '重办'")
    reopened = chat.locator(".msg:not(.me) .bubble", has_text="将重新办理")
    reopened.wait_for()
    text = reopened.inner_text()
    assert text.startswith("感谢您的评价。") and "回访评价" not in text and "个工作日内（" in text

    # And the claimant can ask for a person again: a new ticket holds the conversation again.
    again = _file_ticket(base, sender)
    assert again["number"] != ticket["number"]
    assert again["number"] in _say(chat, "还有一件事想问工作人员", "转给工作人员")
    context.close()
    console.context.close()


def test_operator_follow_up_without_a_rating_does_not_thank_for_one(browser: Any, live_server: dict[str, Any]) -> None:
    base = live_server["base"]
    context = browser.new_context(viewport={"width": 390, "height": 780}, locale="zh-CN", base_url=base)
    chat = context.new_page()
    chat.set_default_timeout(20_000)
    chat.goto("/chat")
    _say(chat, "你好", "已收到")
    ticket = _file_ticket(base, chat.evaluate("localStorage.getItem('chat-sender')"))
    console = _console(browser, base)
    console.goto(f"/console/tickets/{ticket['id']}")
    for action in ("accept", "start"):
        console.click(f"button[data-action={action}]")
        console.wait_for_selector(f"button[data-action={'start' if action == 'accept' else 'resolve'}]")
    console.fill("textarea[name=answer]", ANSWER)
    console.click("button[data-action=resolve]")
    console.wait_for_function("document.querySelector('#ticket-status').textContent === '已答复待回访'")
    console.select_option("select[name=satisfaction]", "satisfied")
    console.click("button[data-action=follow_up]")
    console.wait_for_function("document.querySelector('#ticket-status').textContent === '已办结'")
    closed = chat.locator(".msg:not(.me) .bubble", has_text="已办结")
    closed.wait_for()
    assert "评价" not in closed.inner_text()
    context.close()
    console.context.close()
