"""Benefit continued to statutory retirement when it ends within 1 year of it (Shandong; the 2025 reform)."""

from __future__ import annotations

from policy_kb.engine.context import Ctx
from policy_kb.months import add_months, month_index, month_str, parse_month
from policy_kb.rule_types import Extension


def check_extension(ctx: Ctx, benefit_months: int | None) -> None:
    if ctx.retirement is None:
        return
    ben = ctx.req.benefit
    if ben is not None and ben.end_date is not None:
        end, estimated = ben.end_date, False
    elif benefit_months:
        end, estimated = add_months(ctx.on.replace(day=1), benefit_months - 1), True
    else:
        return
    rule = ctx.rule("extension.to_retirement", end)  # about the day the entitlement ends
    if rule is None:
        return
    cfg: Extension = rule.value
    gap = month_index(parse_month(ctx.retirement.month)) - month_index(end)
    if gap <= 0:
        _ends_at_retirement(ctx)
        return
    if gap >= cfg.within_months:
        return
    ret = parse_month(ctx.retirement.month)
    how = "无需本人申请，并继续代缴基本医疗保险费" if cfg.automatic else "按规定继续发放"
    ctx.flag(
        "EXTENSION_TO_RETIREMENT",
        f"您的领金期{'预计' if estimated else ''}在{end.year}年{end.month}月结束，距法定退休年龄"
        f"（{ret.year}年{ret.month}月）不足1年；期满仍未就业的，可以继续领取失业保险金直到法定退休年龄（{how}）。",
        rule.citations,
        review=False,
        details={
            "benefit_end_month": month_str(end),
            "estimated_end": estimated,
            "until_month": ctx.retirement.month,
            "automatic": cfg.automatic,
        },
    )


def _ends_at_retirement(ctx: Ctx) -> None:
    rule = ctx.rule("retirement.benefit")
    if ctx.retirement is None or rule is None or rule.value.pays_after_retirement_age != "never":
        return
    ret = parse_month(ctx.retirement.month)
    ctx.flag(
        "ENDS_AT_RETIREMENT",
        f"您将在{ret.year}年{ret.month}月达到法定退休年龄，失业保险金最多发放到达到法定退休年龄时为止。",
        rule.citations,
        review=False,
        details={"retirement_month": ctx.retirement.month},
    )
