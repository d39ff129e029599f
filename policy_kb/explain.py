"""Render a decision as plain Chinese text (for the command line and for people reading logs)."""

from __future__ import annotations

from policy_kb.schemas import EligibilityDecision

STATUS_ZH = {
    "eligible": "符合领取失业保险金的条件",
    "ineligible": "暂不符合领取条件",
    "needs_review": "基本符合条件，但需要经办机构进一步核查",
    "pending_registration": "其他条件符合，办理失业登记后即可领取",
    "stopped": "存在停发情形，不能（继续）领取",
    "needs_info": "信息不全，暂时无法判断",
}


def explain(decision: EligibilityDecision) -> str:
    lines = [f"地区：{decision.region.name}（{decision.region.code}）"]
    if decision.region.note:
        lines.append(f"说明：{decision.region.note}")
    lines.append(f"结论：{STATUS_ZH[decision.status]}")
    if decision.benefit_months is not None:
        lines.append(f"可领取期限：{decision.benefit_months}个月")
    if decision.review.working_days is not None and decision.review.deadline is not None:
        extra = "（预估）" if decision.review.provisional else ""
        lines.append(
            f"审核时限：{decision.review.working_days}个工作日，最晚{decision.review.deadline.isoformat()}{extra}"
        )
    if decision.statutory_retirement:
        lines.append(f"法定退休时间：{decision.statutory_retirement.month}")
    for title, items in (("理由", decision.reasons), ("提示", decision.flags)):
        if items:
            lines.append(f"{title}：")
            for item in items:
                refs = "；".join(dict.fromkeys(c.label() for c in item.citations))
                lines.append(f"  - {item.message}（依据：{refs}）")
    if decision.required_documents:
        lines.append("需要准备的材料：" + "、".join(decision.required_documents))
    if decision.next_steps:
        lines.append("下一步：")
        lines.extend(f"  {i}. {step}" for i, step in enumerate(decision.next_steps, 1))
    if decision.missing_facts:
        lines.append("缺少的信息：" + "、".join(decision.missing_facts))
    lines.append(f"规则库版本：{decision.rule_base_version}")
    return "\n".join(lines)
