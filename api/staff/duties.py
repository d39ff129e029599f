"""Separation of duties (重庆通知四 CQ-12; 山东通知四（七）SD-6).

- An auditor holds no business or finance role (稽核岗位不得混岗).
- Nobody approves their own request: a back-pay request, a ticket extension, or
  anything else that needs a second person (不相容岗位分离).

These checks are plain functions so every domain (tickets, claims) uses the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable

from api.auth import Caller
from api.staff.enums import AUDIT_ROLES, BUSINESS_ROLES, FINANCE_ROLES, ROLE_LABELS, Role
from api.staff.errors import AuditorReadsOnly, IncompatibleRoles, NoRole, OwnRequest, UnknownRole


def check_role_combination(roles: Iterable[str]) -> list[Role]:
    """Validate a set of roles; returns them as enums (sorted, de-duplicated)."""
    parsed: set[Role] = set()
    for name in roles:
        try:
            parsed.add(Role(name))
        except ValueError:
            raise UnknownRole(name) from None
    if not parsed:
        raise NoRole()
    if parsed & AUDIT_ROLES and parsed & (BUSINESS_ROLES | FINANCE_ROLES):
        others = "、".join(ROLE_LABELS[r] for r in sorted(parsed - AUDIT_ROLES))
        raise IncompatibleRoles(others)
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
        raise OwnRequest(what)


def ensure_not_auditor_action(caller: Caller) -> None:
    """Auditors only read: any business action by an auditor account is refused."""
    if caller.roles & {r.value for r in AUDIT_ROLES} and not caller.is_integration:
        raise AuditorReadsOnly()
