"""Staff roles and which duties each belongs to (CQ-12, SD-6)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    operator = "operator"  # 12333 热线话务员：接听、建单、签收、办理、答复、回访
    reviewer = "reviewer"  # 业务审核：待遇审核、补发审核
    auditor = "auditor"  # 稽核/审计：只读，查看留痕
    supervisor = "supervisor"  # 值班长/科室负责人：审批延期、催办、账号管理


ROLE_LABELS: dict[Role, str] = {
    Role.operator: "话务员",
    Role.reviewer: "业务审核员",
    Role.auditor: "稽核审计员",
    Role.supervisor: "值班主管",
}

# 重庆通知四：稽核岗位不得与业务、财务、信息数据岗位混岗 (CQ-12).
AUDIT_ROLES = frozenset({Role.auditor})
# Business duties: handling claims and tickets. The roles here carry no separate finance role;
# a finance role added later joins this set (or a set of its own) so the auditor rule covers it.
BUSINESS_ROLES = frozenset({Role.operator, Role.reviewer, Role.supervisor})
FINANCE_ROLES: frozenset[Role] = frozenset()
