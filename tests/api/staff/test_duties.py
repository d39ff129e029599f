"""Separation of duties: auditors hold no business role; nobody approves their own request."""

from __future__ import annotations

import pytest

from api.auth import Caller
from api.errors import ForbiddenError, ValidationFailed
from api.staff.duties import check_role_combination, ensure_not_auditor_action, ensure_not_own_request
from api.staff.enums import Role


def _staff(name: str, staff_id: int, *roles: str) -> Caller:
    return Caller(kind="staff", name=name, roles=frozenset(roles), staff_id=staff_id)


@pytest.mark.parametrize("other", ["operator", "reviewer", "supervisor"])
def test_auditor_cannot_hold_a_business_role(other: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_role_combination(["auditor", other])
    assert "稽核审计岗位不得与业务、财务岗位混岗" in caught.value.message
    assert "roles" in caught.value.fields


@pytest.mark.parametrize(
    "roles", [["auditor"], ["operator"], ["operator", "reviewer"], ["reviewer", "supervisor", "operator"]]
)
def test_allowed_combinations(roles: list[str]) -> None:
    assert check_role_combination(roles) == sorted(Role(r) for r in set(roles))


def test_unknown_or_no_role_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="没有这个岗位：admin"):
        check_role_combination(["admin"])
    with pytest.raises(ValidationFailed, match="至少需要一个岗位"):
        check_role_combination([])


def test_nobody_approves_their_own_request() -> None:
    me = _staff("zhang", 7, "supervisor")
    with pytest.raises(ForbiddenError) as caught:
        ensure_not_own_request(requester_actor="staff:zhang", approver=me, what="补发申请")
    assert caught.value.code == "separation_of_duties" and "不能审批本人提出的补发申请" in caught.value.message
    with pytest.raises(ForbiddenError):  # same account, whatever name the request was filed under
        ensure_not_own_request(requester_actor="staff:old-name", requester_staff_id=7, approver=me, what="延期申请")
    ensure_not_own_request(requester_actor="staff:li", requester_staff_id=8, approver=me, what="补发申请")


def test_auditors_only_read() -> None:
    with pytest.raises(ForbiddenError, match="只能查看"):
        ensure_not_auditor_action(_staff("zhou", 3, "auditor"))
    ensure_not_auditor_action(_staff("wang", 4, "operator"))
