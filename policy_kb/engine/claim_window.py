"""The 60-day claim window (申领发放办法) and Shandong's ban on refusing for missing it."""

from __future__ import annotations

from policy_kb.engine.context import Ctx


def check_claim_window(ctx: Ctx) -> None:
    sep = ctx.req.separation
    if sep is None or sep.date is None:
        return
    days_rule = ctx.rule("claim_window.days")
    refusal = ctx.rule("claim_window.refusal_for_60_days")
    if days_rule is None:
        return
    limit: int = days_rule.value
    elapsed = (ctx.on - sep.date).days
    if elapsed <= limit:
        return
    if refusal is not None and refusal.value is False:
        ctx.reason(
            "CLAIM_WINDOW_NOT_A_REFUSAL",
            "pass",
            f"您离职已{elapsed}天，超过了{limit}日，但按规定不得以超过{limit}日申领期限为由拒发失业保险金。",
            refusal.citations,
            {"days_since_separation": elapsed},
        )
        return
    ctx.flag(
        "CLAIM_AFTER_60_DAYS",
        f"您离职已{elapsed}天。按规定一般应在离职后{limit}日内申领，请尽快申请，经办机构可能会询问原因。",
        days_rule.citations,
        review=False,
        details={"days_since_separation": elapsed},
    )
