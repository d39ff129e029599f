"""Demo staff accounts, one per role (development and test only).

The passwords are public (README), so production refuses them twice: the
seeder does not create them, and login refuses them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.settings import Environment, Settings
from api.staff.service import create_account, find_account

DEMO_UNIT = "12333热线服务中心"

# username, display name, roles, password
DEMO_ACCOUNTS: list[tuple[str, str, list[str], str]] = [
    ("operator", "话务员小王", ["operator"], "operator-demo-2026"),
    ("operator2", "话务员小李", ["operator"], "operator2-demo-2026"),
    ("reviewer", "审核员老陈", ["reviewer"], "reviewer-demo-2026"),
    ("auditor", "稽核员老周", ["auditor"], "auditor-demo-2026"),
    ("supervisor", "值班主管刘科", ["supervisor"], "supervisor-demo-2026"),
]


def refused_passwords(settings: Settings) -> frozenset[str]:
    if settings.environment == Environment.production:
        return frozenset(password for *_, password in DEMO_ACCOUNTS)
    return frozenset()


def seed_staff(session: Session, settings: Settings) -> str:
    if settings.environment == Environment.production:
        return "工作人员演示账号：生产环境不创建"
    created = []
    for username, display_name, roles, password in DEMO_ACCOUNTS:
        if find_account(session, username=username) is None:
            create_account(
                session,
                actor="system:seed",
                username=username,
                display_name=display_name,
                unit=DEMO_UNIT,
                password=password,
                roles=roles,
            )
            created.append(username)
    return f"工作人员演示账号：新建 {len(created)} 个（{'、'.join(created) or '已存在'}）"
