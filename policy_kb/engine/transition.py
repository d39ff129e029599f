"""人社厅发〔2024〕60号 三: receiving on 2024-12-31, paid on application up to the pre-reform age."""

from __future__ import annotations

from policy_kb.engine.context import Ctx
from policy_kb.months import month_index, parse_month
from policy_kb.rule_types import Transition


def check_transition(ctx: Ctx) -> None:
    ben = ctx.req.benefit
    if ben is None or ben.receiving_on is None or ctx.retirement is None:
        return
    if ben.end_date is None:
        ctx.cannot_check("benefit.end_date")
        return
    rule = ctx.rule("transition.pre_reform_age", ben.end_date)  # about the day the entitlement ends
    if rule is None:
        return
    cfg: Transition = rule.value
    receiving_then = ben.receiving_on <= cfg.receiving_on <= ben.end_date
    if not receiving_then:
        return
    end = month_index(ben.end_date)
    post_gap = month_index(parse_month(ctx.retirement.month)) - end
    pre_gap = month_index(parse_month(ctx.retirement.pre_reform_month)) - end
    if not (post_gap > cfg.post_reform_gap_over_months and 0 < pre_gap < cfg.pre_reform_gap_under_months):
        return
    pre = parse_month(ctx.retirement.pre_reform_month)
    ctx.flag(
        "TRANSITION_EXTENSION",
        f"您在2024年12月31日正在领取失业保险金，领金期满时距改革后的法定退休年龄超过1年、"
        f"距改革前的法定退休年龄不足1年。本人申请后，可以继续领取到改革前的法定退休年龄"
        f"（{pre.year}年{pre.month}月），期满后不再续发。",
        rule.citations,
        review=False,
        details={"until_month": ctx.retirement.pre_reform_month, "on_application": cfg.on_application},
    )
