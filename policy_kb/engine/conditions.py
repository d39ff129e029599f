"""条例第十四条: at least 1 year of contributions, involuntary separation (registration: registration.py)."""

from __future__ import annotations

from policy_kb.engine.context import Ctx
from policy_kb.engine.dispute import dispute_route


def check_contribution(ctx: Ctx) -> None:
    total = ctx.req.contribution.total_months if ctx.req.contribution else None
    rule = ctx.rule("conditions.min_contribution_months")
    if rule is None:
        return
    if total is None:
        ctx.need("contribution.total_months")
        return
    minimum: int = rule.value
    if total >= minimum:
        ctx.reason(
            "CONTRIBUTION_AT_LEAST_1_YEAR",
            "pass",
            f"您累计缴纳失业保险费{total}个月，满1年，符合缴费条件。",
            rule.citations,
            {"total_months": total, "minimum_months": minimum},
        )
    else:
        ctx.reason(
            "CONTRIBUTION_UNDER_1_YEAR",
            "fail",
            f"您累计缴纳失业保险费{total}个月，不满1年（{minimum}个月），暂时不符合领取失业保险金的条件。",
            rule.citations,
            {"total_months": total, "minimum_months": minimum},
        )


def check_separation(ctx: Ctx) -> None:
    rule = ctx.rule("conditions.involuntary_separation")
    if rule is None:
        return
    sep = ctx.req.separation
    if sep is None or sep.recorded_reason is None:
        ctx.need("separation.recorded_reason")
        return
    if sep.recorded_reason == "involuntary":
        ctx.reason(
            "INVOLUNTARY_SEPARATION",
            "pass",
            "单位记录的离职原因是非本人意愿（如合同到期不续签、被单位解除），符合条件。",
            rule.citations,
        )
        return
    route = dispute_route(ctx)
    if sep.claims_involuntary:
        if route is None:
            ctx.flag(
                "DISPUTED_SEPARATION_REASON",
                "单位记录为主动辞职，但您说离职不是本人意愿，需要经办机构重新核实认定。",
                rule.citations,
            )
            return
        ctx.flag(
            "DISPUTED_SEPARATION_REASON",
            f"单位记录为主动辞职，但您说离职不是本人意愿。{route.message}",
            route.citations,
            details=route.details,
        )
        ctx.add_documents(route.evidence)
        return
    ctx.reason(
        "VOLUNTARY_SEPARATION",
        "fail",
        "单位记录的是您本人主动辞职。主动辞职一般不能领取失业保险金；如果离职其实不是您本人的意愿，可以申请重新认定。",
        rule.citations,
    )
    if route is not None:
        ctx.step("DISPUTE_ROUTE", f"如果离职不是您本人的意愿：{route.message}", route.citations)
