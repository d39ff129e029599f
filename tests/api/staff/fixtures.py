"""Fixtures shared by the ticket, staff, console and handoff tests.

`staff_client` is the conftest `client` whose staff resolver and chat gateway
also use the test's rolled-back connection (they open their own sessions from
app.state.sessionmaker), so accounts created in a test can log in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from api.db import get_session
from api.staff.models import StaffAccount
from api.staff.service import create_account

PASSWORD = "correct-horse-battery"
UNIT = "测试热线中心"


@pytest.fixture
def staff_client(app_factory: Callable[..., FastAPI], connection: Connection) -> Iterator[TestClient]:
    """Like conftest's `client`, plus app.state.sessionmaker on the test's connection.

    The outbound sweeper is off (as in the channels tests): it would poll the
    database from the app's own pool while the test runs.
    """
    app = app_factory(outbound_sweep_seconds=0)
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)

    def _session() -> Iterator[Session]:
        with factory() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    app.dependency_overrides[get_session] = _session
    with TestClient(app) as c:
        app.state.sessionmaker = factory
        yield c


@pytest.fixture
def make_staff(session: Session) -> Callable[..., StaffAccount]:
    def make(username: str, *roles: str, unit: str = UNIT, password: str = PASSWORD) -> StaffAccount:
        account = create_account(
            session,
            actor="test",
            username=username,
            display_name=f"测试{username}",
            unit=unit,
            password=password,
            roles=list(roles),
        )
        session.flush()
        return account

    return make


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, Any]:
    client.cookies.clear()
    response = client.post("/v1/staff/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.headers["X-CSRF-Token"]  # as the console's pages send it
    return dict(response.json())


def console_login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the console form; returns the page's CSRF token."""
    client.cookies.clear()
    response = client.post(
        "/console/login", data={"username": username, "password": password, "next": "/console/tickets"}
    )
    assert response.status_code == 200, response.text
    found = re.search(r'<meta name="csrf" content="([^"]+)">', response.text)
    assert found, "no CSRF token on the page"
    return found.group(1)


TICKET = {
    "category": "complaint",
    "channel": "web",
    "region": "重庆",
    "summary": "单位把我的离职原因填成了主动离职",
    "transcript": [{"role": "claimant", "text": "我要投诉单位"}, {"role": "bot", "text": "已为您转人工"}],
    "urgency": "normal",
}
