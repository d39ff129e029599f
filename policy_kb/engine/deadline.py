"""Review deadline in Chinese working days from the application date."""

from __future__ import annotations

from datetime import date

from policy_kb.engine.context import Ctx
from policy_kb.rulebase import RuleValue
from policy_kb.schemas import Review
from policy_kb.workdays import add_working_days

JOINT_REVIEW_FLAGS = {"RISK_SHORT_TERM_INSURED", "RISK_OLDER_CLAIMANT"}


def review_deadline(ctx: Ctx) -> Review:
    rule = ctx.rule("review.working_days")
    joint = ctx.rule("review.joint_review_working_days")
    if joint is not None and any(f.code in JOINT_REVIEW_FLAGS for f in ctx.flags):
        return _joint_review(ctx, joint)
    if rule is None:
        return Review(working_days=None, deadline=None, provisional=None)
    days: int = rule.value
    deadline = add_working_days(ctx.on, days)
    note = f"（{deadline.date.year}年节假日安排尚未公布，日期按周一至周五估算）" if deadline.provisional else ""
    ctx.step(
        "REVIEW_DEADLINE",
        f"经办机构应自收到申请之日起{days}个工作日内审核完毕，也就是最晚{_date_zh(deadline.date)}前给出结果{note}。",
        rule.citations,
    )
    return Review(working_days=days, deadline=deadline.date, provisional=deadline.provisional)


def _joint_review(ctx: Ctx, joint: RuleValue) -> Review:
    """Tianjin's joint review of short-term and older claimants.

    Its working days run from the day the employer's materials are complete
    ("用人单位提交材料齐全后…10个工作日内审核完毕"), not from the application, and that day
    is not an input: the engine states the period and gives no date rather than a wrong one.
    """
    form = ctx.rule("review.form")
    form_text = f"，并填写{form.value}" if form is not None else ""
    days: int = joint.value
    ctx.step(
        "JOINT_REVIEW",
        f"经办机构会在用人单位提交的材料齐全后共同进行联合审查{form_text}，自材料齐全起{days}个工作日内审核完毕。",
        [*joint.citations, *(form.citations if form is not None else [])],
    )
    return Review(working_days=days, deadline=None, provisional=None)


def _date_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
