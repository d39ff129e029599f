"""Working a call in the console, in headless Chromium: the auditor's pages, dashboard filters, queue
search, its auto-refresh and new-ticket alert, and an interim reply reaching the claimant's chat."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.staff.seed import DEMO_ACCOUNTS
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser
PASSWORDS = {username: password for username, _, _, password in DEMO_ACCOUNTS}
AUTH = {"Authorization": "Bearer dev-token"}


def _login(page: Any, username: str, target: str = "/console/tickets") -> None:
    page.goto(target)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    page.click("button[type=submit]")
    page.wait_for_url(f"**{target}")


def _ticket(base: str, **extra: Any) -> dict[str, Any]:
    body = {"category": "help", "channel": "sms", "region": "天津", "summary": "来电询问审核进度", **extra}
    r = httpx.post(f"{base}/v1/tickets", json=body, headers=AUTH, timeout=10)
    assert r.status_code == 201, r.text
    ticket: dict[str, Any] = r.json()
    return ticket


def test_the_auditor_sees_only_pages_it_may_open(page: Any, live_server: dict[str, Any]) -> None:
    _login(page, "auditor")
    links = page.locator("header nav a")
    assert links.all_inner_texts() == ["工单队列", "统计看板", "审计日志"]
    for href in [a.get_attribute("href") for a in links.all()]:
        page.goto(href)
        assert page.locator("#error-page").count() == 0, href
        assert "error" not in page.locator("body").inner_text()[:20]
    # A link handed on by a colleague: a page in the console, in Chinese, with only the auditor's links.
    page.goto(f"/console/claims/{live_server['claim']['id']}")
    assert page.locator("#error-page h1").inner_text() == "没有权限"
    assert page.locator("#error-page a").all_inner_texts() == ["工单队列", "统计看板", "审计日志"]
    assert page.locator("header .me").is_visible()
    shot(page, "20-auditor-403")

    page.goto("/console/audit")
    page.fill("input[name=actor]", "稽核员老周")  # by the name shown, not "staff:auditor"
    page.click("#audit-filter button[type=submit]")
    page.wait_for_url("**/console/audit?**")
    actors = page.locator("#audit-events td.actor").all_inner_texts()
    assert actors and all(a.startswith("稽核员老周") for a in actors)
    assert "查看审计日志" in page.locator("#audit-events").inner_text()
    page.goto("/console/audit")
    rows = page.locator("#audit-events tbody tr")
    assert rows.count() >= 1
    first = rows.first
    assert "integration:" not in first.locator("td.actor").inner_text()
    # The 操作 column stays on one line (it used to wrap one character per line).
    cell = first.locator("td").nth(2).bounding_box()
    line = first.locator("td").nth(0).bounding_box()
    assert cell["height"] <= line["height"] + 1 and cell["width"] > 40
    assert page.locator("#audit-export").get_attribute("href").startswith("/console/audit.csv")
    shot(page, "21-audit-log")


def test_dashboard_filters_and_export(page: Any, live_server: dict[str, Any]) -> None:
    _login(page, "supervisor", "/console/dashboard")
    assert page.locator("#trend svg rect").count() >= 2
    page.select_option("select[name=region]", "120000")
    page.fill("input[name=date_from]", "2026-11-01")
    page.click("#dashboard-filter button[type=submit]")
    page.wait_for_url("**region=120000**")
    assert page.locator("select[name=region]").input_value() == "120000"
    assert "2026-11-01 至" in page.locator("#trend-card h2").inner_text()
    terms = page.locator(".rate-terms").all_inner_texts()
    assert terms[0].startswith("按时签收") and "应签收" in terms[0]
    href = page.locator("#dashboard-export").get_attribute("href")
    assert "region=120000" in href and "date_from=2026-11-01" in href
    csv = page.request.get(href)
    assert csv.status == 200 and "天津市" in csv.text() and "日期,受理,答复" in csv.text()
    # Ordinary states are not red: no red figure unless something is overdue.
    colours = page.evaluate(
        "[...document.querySelectorAll('#by-status rect, #by-category rect')].map(r => r.getAttribute('fill'))"
    )
    assert colours and not {"#b0413e", "#b42318"} & set(colours)
    shot(page, "22-dashboard-filtered")


def test_queue_search_auto_refresh_and_new_ticket_alert(page: Any, live_server: dict[str, Any]) -> None:
    base = live_server["base"]
    mine = _ticket(base, sender="sms:13911112222")
    page.clock.install()
    _login(page, "operator")
    page.fill("#queue-filter input[name=q]", "139 1111 2222")
    page.click("#queue-filter button[type=submit]")
    page.wait_for_url("**q=**")
    assert page.locator("#queue tbody tr[data-number]").all() and [
        r.get_attribute("data-number") for r in page.locator("#queue tbody tr[data-number]").all()
    ] == [mine["number"]]
    assert "139****2222" in page.locator("#queue-search").inner_text()
    assert "13911112222" not in page.locator("main").inner_text()
    assert "139****2222" in page.locator("#queue tbody").inner_text()

    page.goto("/console/tickets")
    before = page.locator("#queue tbody tr[data-number]").count()
    title = page.title()
    assert page.locator("#new-badge").is_hidden()
    fresh = _ticket(base, summary="新来电：申领页面打不开")
    page.clock.run_for(31_000)
    page.wait_for_function("!document.getElementById('new-badge').hidden")
    assert page.locator("#new-badge").inner_text() == "1"
    page.wait_for_function("document.title.startsWith('（1）新工单')")
    row = page.locator(f"#queue tbody tr[data-number='{fresh['number']}']")
    row.wait_for()
    assert "new" in (row.get_attribute("class") or "")
    assert page.locator("#queue tbody tr[data-number]").count() == before + 1
    assert "刷新" in page.locator("#queue-refreshed").inner_text()
    shot(page, "23-queue-new-ticket")
    # On another page the alert is there too, counting from the queue page last loaded; loading it resets.
    page.goto(f"/console/tickets/{fresh['id']}")
    _ticket(base, summary="又一个来电")
    page.clock.run_for(31_000)
    page.wait_for_function("document.getElementById('new-badge').textContent === '2'")
    page.goto("/console/tickets")
    assert page.title() == title and page.locator("#new-badge").is_hidden()


def test_interim_reply_reaches_the_claimants_chat(browser: Any, live_server: dict[str, Any]) -> None:
    base = live_server["base"]
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=base)
    chat = phone.new_page()
    chat.set_default_timeout(20_000)
    chat.goto("/chat")
    chat.fill("#t", "你好")
    chat.click("#b")
    chat.locator(".msg:not(.me) .bubble", has_text="已收到").wait_for()
    sender = chat.evaluate("localStorage.getItem('chat-sender')")
    ticket = _ticket(base, channel="web", sender=f"web:{sender}", acknowledged=True, summary="网上申领提示信息不符")

    desk = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", base_url=base)
    console = desk.new_page()
    console.set_default_timeout(15_000)
    _login(console, "operator", f"/console/tickets/{ticket['id']}")
    console.click("button[data-action=take]")  # 签收 and 开始办理 in one step
    console.wait_for_function("document.querySelector('#ticket-status').textContent === '办理中'")
    console.fill("textarea[name=message]", "您好，已收到您的诉求，正在联系单位核实，请您耐心等待。")
    console.click("button[data-action=interim]")
    console.locator(".flash", has_text="已发送给诉求人").wait_for()
    assert console.locator("#ticket-status").inner_text() == "办理中"
    assert "回复诉求人" in console.locator("#events").inner_text()
    shot(console, "24-ticket-interim-reply")

    staff = chat.locator(".msg.staff", has_text="正在联系单位核实")
    staff.wait_for()
    assert staff.locator(".who").inner_text() == "工作人员"
    assert "办理完成后我们会再答复您" in staff.locator(".bubble").inner_text()
    shot(chat, "25-chat-interim-reply")

    # From the ticket to its conversation and back; the interim reply is there.
    console.click("#ticket-conversation")
    console.wait_for_url("**/conversation")
    assert "正在联系单位核实" in console.locator("#conversation-lines").inner_text()
    console.click(f"#conversation-tickets a:text('{ticket['number']}')")
    console.wait_for_url(f"**/console/tickets/{ticket['id']}")
    phone.close()
    desk.close()


def test_claim_search_by_name_and_mobile_one_status_and_a_hint_that_matches(
    page: Any, live_server: dict[str, Any]
) -> None:
    claim = live_server["claim"]
    _login(page, "operator", "/console/claims")
    for query in ("李四海", "138 0000 1234"):
        page.fill("input[name=q]", query)
        page.click("form[action='/console/claims'] button[type=submit]")
        page.wait_for_url("**q=**")
        row = page.locator("#claim-results tbody tr", has_text=str(claim["id"])).first
        assert "李**" in row.inner_text() and "138****1234" in row.inner_text(), query
    listed = row.locator(".claim-status").inner_text()
    row.locator("text=查看").click()
    page.wait_for_selector("#verify-form")
    # The prompt asks for what the masked view shows: four digits of each number.
    notice = page.locator(".notice").inner_text()
    assert "后四位" in notice and "后六位" not in notice
    shown_id = page.locator("dl.facts dd").nth(1).inner_text()
    assert shown_id.endswith("1234") and shown_id[-5] == "*"
    page.click("#verify-form button[type=submit]")
    page.wait_for_selector("#claim-status")
    assert page.locator("#claim-status-label").inner_text() == listed  # one status function for both
    assert page.locator("#payments tbody tr").count() == claim["benefit_months"]
    assert "系统未记录发放金额" in page.locator("#payment-amount").inner_text()
    # From the claim to its tickets and back.
    linked = _ticket(live_server["base"], claim_id=claim["id"], summary="询问补发")
    page.reload()
    page.click(f"#claim-tickets a:text('{linked['number']}')")
    page.wait_for_url(f"**/console/tickets/{linked['id']}")
    page.click("#ticket-claim a")
    page.wait_for_url(f"**/console/claims/{claim['id']}")
