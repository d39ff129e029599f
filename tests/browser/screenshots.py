"""`make screenshots`: the console at 1440×900 and the phone chat page (/chat) at 390×844, into
docs/screenshots/ (linked from the README). Not a test file (no test_ prefix): run it on purpose,
`.venv/bin/python -m pytest tests/browser/screenshots.py`. It drives the same live server and system
Chromium as the browser tests, with a few tickets worked the way an operator works them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from api.staff.seed import DEMO_ACCOUNTS

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
DESK = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORDS = {username: password for username, _, _, password in DEMO_ACCOUNTS}
AUTH = {"Authorization": "Bearer dev-token"}


def _save(page: Any, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}.png"))  # the viewport: exactly 1440×900 or 390×844


def _tab(browser: Any, base: str, viewport: dict[str, int], username: str | None = None) -> Any:
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=base, device_scale_factor=1
    )
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    if username:
        tab.goto("/console/login")
        tab.fill("input[name=username]", username)
        tab.fill("input[name=password]", PASSWORDS[username])
        tab.click("button[type=submit]")
        tab.wait_for_url("**/console/tickets")
    return tab


def _ticket(base: str, **body: Any) -> dict[str, Any]:
    r = httpx.post(f"{base}/v1/tickets", json={"channel": "sms", "region": "天津", **body}, headers=AUTH, timeout=10)
    assert r.status_code == 201, r.text
    ticket: dict[str, Any] = r.json()
    return ticket


def test_screenshots(browser: Any, live_server: dict[str, Any]) -> None:
    base, claim = live_server["base"], live_server["claim"]
    no = dict.fromkeys(
        ("reemployed", "business_registered", "receiving_pension", "enlisted", "emigrated", "refused_job_offer"), False
    )
    for month in ("2026-08", "2026-09", "2026-11"):  # recorded elsewhere (integration), inside each window
        body = {"month": month, "at": f"{month}-10T09:00:00+08:00", "channel": "counter", "answers": no}
        r = httpx.post(f"{base}/v1/claims/{claim['id']}/checkins", json=body, headers=AUTH, timeout=10)
        assert r.status_code in (200, 201), r.text
    chat = _tab(browser, base, PHONE)
    chat.goto("/chat")
    chat.fill("#t", "我想问一下失业金审核到哪一步了")
    chat.click("#b")
    chat.locator(".msg:not(.me) .bubble").first.wait_for()
    sender = chat.evaluate("localStorage.getItem('chat-sender')")
    online = _ticket(
        base,
        category="consultation",
        channel="web",
        sender=f"web:{sender}",
        claim_id=claim["id"],
        acknowledged=True,
        summary="【咨询】地区：天津；诉求：网上申领提交后一直显示审核中，想知道进度",
        transcript=[
            {"role": "claimant", "text": "我想问一下失业金审核到哪一步了"},
            {"role": "bot", "text": "这个问题需要工作人员查询，已为您转人工。"},
        ],
    )
    _ticket(base, category="complaint", region="重庆", sender="sms:13911112222", summary="窗口说材料不全却不说缺什么")
    _ticket(base, category="help", urgency="urgent", summary="失业金停发后无收入来源，请求尽快核实")

    operator = _tab(browser, base, DESK, "operator")
    operator.goto(f"/console/tickets/{online['id']}")
    operator.click("button[data-action=take]")
    operator.wait_for_function("document.querySelector('#ticket-status').textContent === '办理中'")
    operator.fill("textarea[name=message]", "您好，已收到您的咨询，正在查询您的审核进度，今天内回复您。")
    operator.click("button[data-action=interim]")
    operator.locator(".flash", has_text="已发送给诉求人").wait_for()
    _save(operator, "console-ticket")

    chat.locator(".msg.staff").wait_for()
    _save(chat, "chat-staff-reply")

    operator.click("#ticket-conversation")
    operator.wait_for_url("**/conversation")
    _save(operator, "console-conversation")

    operator.goto(f"/console/claims/{claim['id']}")
    operator.click("#verify-form button[type=submit]")
    operator.wait_for_selector("#claim-status")
    _save(operator, "console-claim")
    operator.locator("#payments").scroll_into_view_if_needed()
    _save(operator, "console-claim-payments")

    operator.clock.install()
    operator.goto("/console/tickets")
    _ticket(base, category="consultation", summary="来电咨询：重庆失业金每月几号发放")
    operator.clock.run_for(31_000)
    operator.wait_for_function("!document.getElementById('new-badge').hidden")
    _save(operator, "console-queue")

    operator.goto("/console/tickets?q=13911112222")
    _save(operator, "console-queue-search")

    supervisor = _tab(browser, base, DESK, "supervisor")
    supervisor.goto("/console/dashboard")
    _save(supervisor, "console-dashboard")

    auditor = _tab(browser, base, DESK, "auditor")
    auditor.goto("/console/audit")
    _save(auditor, "console-audit")
    auditor.goto(f"/console/claims/{claim['id']}")
    _save(auditor, "console-auditor-forbidden")
    for tab in (chat, operator, supervisor, auditor):
        tab.context.close()
