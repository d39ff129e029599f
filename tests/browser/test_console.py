"""The hotline console in headless Chromium: login, suggestions, claim lookup, taking and resolving a ticket."""

from __future__ import annotations

from typing import Any

import pytest

from api.staff.seed import DEMO_ACCOUNTS
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser
PASSWORDS = {username: password for username, _, _, password in DEMO_ACCOUNTS}


def _login(page: Any, username: str = "operator", target: str = "/console/tickets") -> None:
    page.goto(target)
    assert "/console/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    page.click("button[type=submit]")
    page.wait_for_url(f"**{target}")


def test_login_and_logout(page: Any) -> None:
    page.goto("/console")
    page.wait_for_url("**/console/login**")
    assert page.locator("h1").inner_text() == "工作人员登录"
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator(".flash.error").inner_text()
    shot(page, "01-login")
    page.fill("input[name=password]", PASSWORDS["operator"])
    page.click("button[type=submit]")
    page.wait_for_url("**/console/tickets")
    assert "工单队列" in page.locator("h1").inner_text()
    assert page.locator("#me-name").inner_text() == "话务员小王"
    page.click("text=退出")
    page.wait_for_url("**/console/login")


def test_suggested_replies_with_citations_and_copy(page: Any) -> None:
    _login(page, target="/console/assist")
    page.fill("textarea[name=text]", "来电人说单位给他填了主动离职，还能领失业金吗")
    page.select_option("select[name=region]", "210000")
    page.click("#suggest-form button[type=submit]")
    page.wait_for_selector("#suggestions .suggestion, #suggestions .flash")
    assert page.locator("#suggestions .flash").count() == 0, page.locator("#suggestions").inner_text()
    first = page.locator("#suggestions .suggestion").first
    assert len(first.locator(".reply").inner_text()) > 10
    assert page.locator("#suggestions .cites li").count() >= 1
    first.locator("button.copy").click()
    page.wait_for_function("document.querySelector('#suggestions button.copy').textContent === '已复制'")
    shot(page, "02-suggestions")


def test_claim_lookup_masked_until_verified(page: Any, live_server: dict[str, Any]) -> None:
    _login(page, target="/console/claims")
    page.fill("input[name=q]", "120101198001011234")
    page.click("form[action='/console/claims'] button[type=submit]")
    row = page.locator("#claim-results tbody tr").first
    assert "李**" in row.inner_text() and "1201**********1234" in row.inner_text()
    row.locator("text=查看").click()
    page.wait_for_selector("#verify-form")
    assert page.locator("#claimant-name").inner_text() == "李**"
    assert page.locator("#claim-status").count() == 0
    page.click("#verify-form button[type=submit]")
    page.wait_for_selector("#claim-status")
    assert page.locator("#claimant-name").inner_text() == "李四海"
    assert page.locator("#payments tbody tr").count() >= 1
    assert page.locator("#backpay").inner_text().strip()
    shot(page, "03-claim")


def test_take_and_resolve_a_ticket(page: Any, live_server: dict[str, Any]) -> None:
    number = live_server["ticket"]["number"]
    _login(page)
    page.click(f"text={number}")
    page.wait_for_selector("#ticket-number")
    assert page.locator("#ticket-status").inner_text() == "待签收"
    assert "网上申领一直提示信息不符" in page.locator(".transcript").inner_text()
    page.click("button[data-action=accept]")
    page.wait_for_selector("text=已签收")
    page.click("button[data-action=start]")
    page.wait_for_function("document.querySelector('#ticket-status').textContent === '办理中'")
    page.fill("textarea[name=answer]", "已核实系统信息并更正，请您重新在网上提交申领。")
    page.click("button[data-action=resolve]")
    page.wait_for_function("document.querySelector('#ticket-status').textContent === '已答复待回访'")
    assert "请您重新在网上提交申领" in page.locator("#ticket-answer").inner_text()
    shot(page, "04-ticket-resolved")
    page.select_option("select[name=satisfaction]", "satisfied")
    page.click("button[data-action=follow_up]")
    page.wait_for_function("document.querySelector('#ticket-status').textContent === '已办结'")
    assert page.locator("#events tbody tr").count() >= 6
    page.goto("/console/dashboard")
    assert page.locator("#rates svg").count() == 3
    shot(page, "05-dashboard")
