"""Benefits that cannot be drawn together with unemployment benefit, per region."""

from __future__ import annotations

from policy_kb.engine.context import Ctx
from policy_kb.vocab import BENEFIT_NAMES_ZH, BenefitKind


def check_noncurrent(ctx: Ctx) -> None:
    if not ctx.req.receiving:
        return
    rule = ctx.rule("noncurrent.benefits")
    if rule is None:
        return
    excluded: list[BenefitKind] = rule.value
    hits = [b for b in ctx.req.receiving if b in excluded]
    if not hits:
        return
    names = "、".join(BENEFIT_NAMES_ZH[b] for b in hits)
    ctx.reason(
        "NON_CONCURRENT_BENEFIT",
        "fail",
        f"您正在领取{names}，按规定不能同时领取失业保险金。",
        rule.citations,
        {"benefits": [str(b) for b in hits]},
    )
