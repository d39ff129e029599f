"""A real API server (devtools.stack.api_server, SQLite in a temp dir, migrated and seeded) and the system Chromium.

Playwright drives /usr/bin/chromium (Debian packages chromium, chromium-driver and
fonts-wqy-microhei, installed by scripts/bootstrap.sh); it never downloads a browser.
Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.db import make_engine, make_sessionmaker
from api.migrate import upgrade
from api.staff.seed import seed_staff
from devtools.fake_rasa import FakeRasa
from devtools.stack import api_server
from tests.conftest import REQUIRE_SERVICES, make_settings

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_CLAIM = {
    "claimant": {"name": "李四海", "id_number": "120101198001011234", "phone": "13800001234"},
    "region": "120000",
    "start_month": "2026-01",
    "benefit_months": 12,
}
DEMO_TICKET = {
    "category": "cannot_get_done",
    "channel": "web",
    "region": "天津",
    "summary": "网上申领一直提示信息不符，办不成",
    "transcript": [{"role": "claimant", "text": "网上申领一直提示信息不符"}, {"role": "bot", "text": "已为您转人工"}],
    "sender": "web:browser-demo",
}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not Path(CHROMIUM).exists():
        if REQUIRE_SERVICES:
            pytest.fail("Chromium is required (REQUIRE_SERVICES=1): run scripts/bootstrap.sh as root")
        pytest.skip("Chromium not installed (scripts/bootstrap.sh installs it)")
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'console.db'}"
    upgrade(url=url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session, session.begin():
        seed_staff(session, make_settings(url))
    engine.dispose()
    # A stand-in assistant ("已收到：<message>"): the chat tests see which messages reach it.
    rasa = FakeRasa()
    rasa.__enter__()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ENVIRONMENT": "test",
        "REDIS_URL": "",
        "RASA_URL": rasa.url,
        "ACTION_SERVER_URL": rasa.url,
        "OUTBOUND_SWEEP_SECONDS": "0",
        "PYTHONPATH": str(ROOT),
    }
    try:
        with api_server(env, log=folder / "uvicorn.log", timeout=30) as (base, _):
            auth = {"Authorization": "Bearer dev-token"}
            claim = httpx.post(f"{base}/v1/claims", json=DEMO_CLAIM, headers=auth, timeout=10)
            ticket = httpx.post(f"{base}/v1/tickets", json=DEMO_TICKET, headers=auth, timeout=10)
            assert claim.status_code == 201 and ticket.status_code == 201, (claim.text, ticket.text)
            yield {"base": base, "claim": claim.json(), "ticket": ticket.json(), "rasa": rasa}
    finally:
        rasa.__exit__(None, None, None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, live_server: dict[str, Any]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN", base_url=live_server["base"])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
