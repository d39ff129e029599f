"""Staff accounts over HTTP: login, sessions, roles, who may manage accounts; all audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.db import utcnow
from api.settings import Environment
from api.staff.models import StaffAccount
from api.staff.seed import DEMO_ACCOUNTS, refused_passwords, seed_staff
from api.staff.service import find_account
from tests.api.staff.fixtures import PASSWORD, login
from tests.conftest import make_settings


def test_login_sets_a_session_and_me_answers(staff_client: TestClient, make_staff: Callable[..., StaffAccount]) -> None:
    make_staff("op1", "operator")
    assert staff_client.get("/v1/staff/me").status_code == 401
    me = login(staff_client, "op1")
    assert me["roles"] == ["operator"] and "password_hash" not in me
    cookie = staff_client.cookies.get("staff_session")
    assert cookie and PASSWORD not in cookie
    assert staff_client.get("/v1/staff/me").json()["username"] == "op1"


def test_wrong_password_is_401_and_audited(
    staff_client: TestClient, make_staff: Callable[..., StaffAccount], session: Session
) -> None:
    make_staff("op1", "operator")
    r = staff_client.post("/v1/staff/login", json={"username": "op1", "password": "nope-nope-nope"})
    assert r.status_code == 401 and r.json()["error"]["message"] == "用户名或密码错误"
    r = staff_client.post("/v1/staff/login", json={"username": "ghost", "password": "nope-nope-nope"})
    assert r.status_code == 401 and r.json()["error"]["message"] == "用户名或密码错误"
    actions = session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "staff.login_failed")).all()
    assert {"anonymous:op1", "anonymous:ghost"} <= set(actions)


def test_password_is_hashed_with_argon2(make_staff: Callable[..., StaffAccount]) -> None:
    account = make_staff("op1", "operator")
    assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash


def test_logout_ends_the_session(staff_client: TestClient, make_staff: Callable[..., StaffAccount]) -> None:
    make_staff("op1", "operator")
    login(staff_client, "op1")
    cookie = staff_client.cookies.get("staff_session")
    assert staff_client.post("/v1/staff/logout").status_code == 204
    staff_client.cookies.clear()
    staff_client.cookies.set("staff_session", cookie or "")
    assert staff_client.get("/v1/staff/me").status_code == 401  # the old cookie is dead server-side


def test_session_expires_and_forged_cookie_is_ignored(
    staff_client: TestClient, make_staff: Callable[..., StaffAccount]
) -> None:
    make_staff("op1", "operator")
    login(staff_client, "op1")
    with time_machine.travel(utcnow() + timedelta(hours=13)):
        assert staff_client.get("/v1/staff/me").status_code == 401
    staff_client.cookies.clear()
    staff_client.cookies.set("staff_session", "forged.value.here")
    assert staff_client.get("/v1/staff/me").status_code == 401


def test_deactivated_account_is_logged_out(staff_client: TestClient, make_staff: Callable[..., StaffAccount]) -> None:
    make_staff("boss", "supervisor")
    target = make_staff("op1", "operator")
    login(staff_client, "op1")
    op_cookie = staff_client.cookies.get("staff_session")
    login(staff_client, "boss")
    r = staff_client.put(f"/v1/staff/{target.id}/active", json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    staff_client.cookies.clear()
    staff_client.cookies.set("staff_session", op_cookie or "")
    assert staff_client.get("/v1/staff/me").status_code == 401
    r = staff_client.post("/v1/staff/login", json={"username": "op1", "password": PASSWORD})
    assert r.status_code == 401


def test_supervisor_manages_accounts_with_separation_of_duties(
    staff_client: TestClient, make_staff: Callable[..., StaffAccount], session: Session
) -> None:
    make_staff("boss", "supervisor")
    login(staff_client, "boss")
    new = {
        "username": "newbie",
        "display_name": "新人",
        "unit": "测试热线中心",
        "password": "long-enough-pw",
        "roles": ["operator"],
    }
    r = staff_client.post("/v1/staff", json=new)
    assert r.status_code == 201, r.text
    staff_id = r.json()["id"]
    assert staff_client.post("/v1/staff", json=new).status_code == 409
    r = staff_client.put(f"/v1/staff/{staff_id}/roles", json={"roles": ["operator", "auditor"]})
    assert r.status_code == 422 and "混岗" in r.json()["error"]["message"]
    r = staff_client.post("/v1/staff", json={**new, "username": "aud2", "roles": ["auditor", "reviewer"]})
    assert r.status_code == 422
    r = staff_client.post("/v1/staff", json={**new, "username": "short", "password": "short"})
    assert r.status_code == 422 and "password" in r.json()["error"]["fields"]
    r = staff_client.put(f"/v1/staff/{staff_id}/roles", json={"roles": ["reviewer"]})
    assert r.json()["roles"] == ["reviewer"]
    audit = session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "staff", AuditEvent.entity_id == str(staff_id))
    ).all()
    assert [a.action for a in audit] == ["staff.create", "staff.set_roles"]
    assert audit[1].actor == "staff:boss" and audit[1].before == {"roles": ["operator"]}


def test_only_supervisors_manage_accounts(
    staff_client: TestClient, make_staff: Callable[..., StaffAccount], auth_headers: dict[str, str]
) -> None:
    make_staff("op1", "operator")
    make_staff("aud", "auditor")
    assert staff_client.get("/v1/staff").status_code == 401
    assert staff_client.get("/v1/staff", headers=auth_headers).status_code == 403  # staff only
    login(staff_client, "op1")
    assert staff_client.get("/v1/staff").status_code == 403
    assert staff_client.post("/v1/staff", json={}).status_code in (403, 422)
    login(staff_client, "aud")
    assert staff_client.get("/v1/staff").status_code == 200  # auditors may read the accounts
    r = staff_client.post(
        "/v1/staff",
        json={"username": "x1", "display_name": "x", "unit": "u", "password": "long-enough-pw", "roles": ["operator"]},
    )
    assert r.status_code == 403


def test_demo_accounts_seed_once_and_never_in_production(session: Session, db_url: str) -> None:
    settings = make_settings(db_url)
    seed_staff(session, settings)
    assert "已存在" in seed_staff(session, settings)
    for username, _, roles, _ in DEMO_ACCOUNTS:
        account = find_account(session, username=username)
        assert account is not None and account.roles == roles
    production = settings.model_copy(update={"environment": Environment.production})
    assert "生产环境不创建" in seed_staff(session, production)
    assert refused_passwords(production) == {p for *_, p in DEMO_ACCOUNTS}
    assert refused_passwords(settings) == frozenset()


def test_demo_password_refused_in_production(
    db_url: str, make_staff: Callable[..., StaffAccount], connection: object
) -> None:
    from sqlalchemy.orm import sessionmaker

    from api.db import get_session
    from api.main import create_app

    make_staff("operator-p", "operator", password=DEMO_ACCOUNTS[0][3])
    settings = make_settings(db_url, outbound_sweep_seconds=0)
    app = create_app(settings.model_copy(update={"environment": Environment.production}))
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")  # type: ignore[call-overload]

    def _session():  # type: ignore[no-untyped-def]
        with factory() as s:
            yield s
            s.commit()

    app.dependency_overrides[get_session] = _session
    with TestClient(app) as c:
        r = c.post("/v1/staff/login", json={"username": "operator-p", "password": DEMO_ACCOUNTS[0][3]})
    assert r.status_code == 401 and "演示账号的密码不能在生产环境使用" in r.json()["error"]["message"]
