"""失业登记 handled together with the claim (60号 二 and regional variants)."""

from __future__ import annotations

from policy_kb.engine.context import Ctx


def check_registration(ctx: Ctx) -> None:
    rule = ctx.rule("conditions.registration_required")
    if rule is None:
        return
    registered = ctx.req.registered_unemployed
    if registered is None:
        ctx.need("registered_unemployed")
        return
    if registered:
        ctx.reason("REGISTERED", "pass", "您已办理失业登记。", rule.citations)
        return
    handling = ctx.rule("registration.handling")
    if handling is None:
        ctx.reason("NOT_REGISTERED", "pending", "您还没有办理失业登记，办理后才能领取失业保险金。", rule.citations)
        return
    ctx.reason(
        "NOT_REGISTERED",
        "pending",
        f"您还没有办理失业登记。其他条件都符合的，{handling.value.how}。",
        [*handling.citations, *rule.citations],
    )
    paid_from = ctx.rule("benefit.paid_from_registration")
    if paid_from is not None:
        ctx.step(
            "REGISTER_UNEMPLOYMENT", "请尽快办理失业登记，失业保险金从办理失业登记之日起按月发放。", paid_from.citations
        )
