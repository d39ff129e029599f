"""Separation of duties (重庆通知四 CQ-12; 山东通知四（七）SD-6).

- An auditor holds no business or finance role (稽核岗位不得混岗).
- Nobody approves their own request: a back-pay request, a ticket extension, or
  anything else that needs a second person (不相容岗位分离).

These checks are plain functions so every domain (tickets, claims) uses the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable

from api.auth import Caller
from api.errors import ForbiddenError, ValidationFailed
from api.staff.enums import AUDIT_ROLES, BUSINESS_ROLES, FINANCE_ROLES, ROLE_LABELS, Role


def check_role_combination(roles: Iterable[str]) -> list[Role]:
    """Validate a set of roles; returns them as enums (sorted, de-duplicated)."""
    parsed: set[Role] = set()
    for name in roles:
        try:
            parsed.add(Role(name))
        except ValueError:
            raise ValidationFailed(f"没有这个岗位：{name}", fields={"roles": f"没有这个岗位：{name}"}) from None
    if not parsed:
        raise ValidationFailed("至少需要一个岗位", fields={"roles": "至少需要一个岗位"})
    if parsed & AUDIT_ROLES and parsed & (BUSINESS_ROLES | FINANCE_ROLES):
        others = "、".join(ROLE_LABELS[r] for r in sorted(parsed - AUDIT_ROLES))
        message = f"稽核审计岗位不得与业务、财务岗位混岗（不能同时担任{others}）"
        raise ValidationFailed(message, fields={"roles": message})
    return sorted(parsed)


def ensure_not_own_request(
    *, requester_actor: str, approver: Caller, what: str, requester_staff_id: int | None = None
) -> None:
    """Refuse when the approver is the one who made the request.

    `requester_actor` is the audit name of whoever asked (e.g. "staff:zhang");
    `what` names the request in the message ("补发申请", "延期申请").
    """
    same_actor = requester_actor == approver.actor
    same_staff = requester_staff_id is not None and requester_staff_id == approver.staff_id
    if same_actor or same_staff:
        raise ForbiddenError(f"不能审批本人提出的{what}（不相容岗位分离）", code="separation_of_duties")


def ensure_not_auditor_action(caller: Caller) -> None:
    """Auditors only read: any business action by an auditor account is refused."""
    if caller.roles & {r.value for r in AUDIT_ROLES} and not caller.is_integration:
        raise ForbiddenError("稽核审计岗位只能查看，不能办理业务", code="separation_of_duties")
