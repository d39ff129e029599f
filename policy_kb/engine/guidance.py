"""Next steps for someone who can claim: monthly duty, amount, job help, reapplying after a refusal."""

from __future__ import annotations

from policy_kb.citations import Citation
from policy_kb.engine.context import Ctx


def add_guidance(ctx: Ctx, status: str) -> None:
    if status in ("eligible", "needs_review", "pending_registration"):
        _monthly_duty(ctx)
        _amount(ctx)
        jobs = ctx.rule("jobs.help")
        if jobs is not None:
            ctx.step("JOB_HELP", f"{jobs.value}。", jobs.citations)
    if status == "ineligible":
        again = ctx.rule("review.reapplication")
        if again is not None:
            ctx.step("REAPPLY", "如果情况有变化或补充了材料，可以再次申请，经办机构会重新审核。", again.citations)
    hotline = ctx.rule("service.hotline")
    if hotline is not None and status != "stopped":
        ctx.step("HOTLINE", f"有疑问可以拨打{hotline.value}人社服务热线咨询。", hotline.citations)


def _monthly_duty(ctx: Ctx) -> None:
    duty = ctx.rule("monthly.duty")
    if duty is None or duty.value == "none":
        return
    if duty.value == "monthly_claim":
        window = ctx.rule("monthly.window")
        span = f"每月{window.value.start_day}日至{window.value.end_day}日" if window else "每月"
        lost = ctx.rule("monthly.missed_month_lost")
        text = f"领取期间要在{span}办理按月申领（可以线上办理，也可以到街镇党群服务中心或社保分中心）"
        text += "；当月没有办理的，当月失业保险金不再发放。" if lost and lost.value else "。"
        cites = [*duty.citations, *(window.citations if window else []), *(lost.citations if lost else [])]
        ctx.step("MONTHLY_CLAIM", text, _unique(cites))
        return
    suspend = ctx.rule("monthly.payment_suspend_after_missed")
    text = "领取期间每月要通过线上或线下方式进行资格核验，如实说明就业情况"
    if suspend is not None:
        text += f"；连续{suspend.value}个月没有核验的，会暂停发放（暂停期间不减少应享受的总月数）"
    ctx.step("MONTHLY_CHECK", text + "。", duty.citations)


def _amount(ctx: Ctx) -> None:
    amount = ctx.rule("benefit.amount")
    if amount is None:
        return
    ctx.step(
        "BENEFIT_AMOUNT",
        f"失业保险金的具体金额由{amount.value.set_by}确定，不低于{amount.value.floor}、低于{amount.value.ceiling}；"
        "具体标准请向当地经办机构查询。",
        amount.citations,
    )


def _unique(items: list[Citation]) -> list[Citation]:
    out: list[Citation] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
