"""Finding 4 (issue 12): 40 wrong passwords in 3 s, then the right one worked; unknown users answered faster.

Failed logins are now counted per account and per client address (api/staff/throttle.py); at
the limit even the right password is refused, with a Chinese message that says how long, on the
JSON API and on the console's login form alike. SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient

from api.db import utcnow
from api.staff import service
from api.staff.throttle import PER_ACCOUNT, PER_ADDRESS, WINDOW
from tests.api.staff.fixtures import PASSWORD

pytestmark = pytest.mark.security


def _login(client: TestClient, username: str, password: str) -> tuple[int, str]:
    r = client.post("/v1/staff/login", json={"username": username, "password": password})
    return r.status_code, r.json().get("error", {}).get("message", "") if r.status_code != 200 else ""


def _minutes(message: str) -> int:
    found = re.search(r"请(\d+)分钟后再试", message)
    assert found, message
    return int(found.group(1))


def test_an_account_locks_after_repeated_failures_and_says_for_how_long(
    staff_client: TestClient, make_staff: Callable[..., object]
) -> None:
    make_staff("thr_op", "operator")
    for _ in range(PER_ACCOUNT):
        assert _login(staff_client, "thr_op", "wrong-password-1")[0] == 401
    status, message = _login(staff_client, "thr_op", PASSWORD)  # the right password, too late
    assert status == 429 and "该账号登录失败次数过多" in message
    assert 1 <= _minutes(message) <= WINDOW.total_seconds() / 60
    form = staff_client.post("/console/login", data={"username": "thr_op", "password": PASSWORD, "next": "/console"})
    assert form.status_code == 429 and "分钟后再试" in form.text
    with time_machine.travel(utcnow() + WINDOW + timedelta(seconds=5)):
        assert _login(staff_client, "thr_op", PASSWORD)[0] == 200  # the lock ends by itself


def test_unknown_accounts_lock_the_same_way(staff_client: TestClient) -> None:
    """A guesser cannot tell existing user names by which ones lock."""
    for _ in range(PER_ACCOUNT):
        assert _login(staff_client, "nobody-here", "wrong-password-1")[0] == 401
    assert _login(staff_client, "nobody-here", "wrong-password-1")[0] == 429


def test_one_address_trying_many_accounts_is_stopped(
    staff_client: TestClient, make_staff: Callable[..., object]
) -> None:
    make_staff("thr_other", "operator")
    for i in range(PER_ADDRESS):
        assert _login(staff_client, f"guess-{i}", "wrong-password-1")[0] == 401
    status, message = _login(staff_client, "thr_other", PASSWORD)
    assert status == 429 and "本机登录失败次数过多" in message


def test_an_unknown_user_costs_the_same_password_check(
    staff_client: TestClient, make_staff: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timing difference (8 ms against 45 ms) came from skipping Argon2 for unknown names."""
    make_staff("thr_known", "operator")
    checked: list[str] = []
    real = service.verify_password

    def counting(stored: str, password: str) -> bool:
        checked.append(stored[:9])
        return real(stored, password)

    monkeypatch.setattr(service, "verify_password", counting)
    assert _login(staff_client, "thr_known", "wrong-password-1")[0] == 401
    assert _login(staff_client, "thr_unknown", "wrong-password-1")[0] == 401
    assert checked == ["$argon2id", "$argon2id"]
