"""Evaluate an eligibility request against the rule base: one small function per rule."""

from __future__ import annotations

from policy_kb.engine.claim_window import check_claim_window
from policy_kb.engine.conditions import check_contribution, check_separation
from policy_kb.engine.context import Ctx
from policy_kb.engine.deadline import review_deadline
from policy_kb.engine.duration import benefit_months
from policy_kb.engine.extension import check_extension
from policy_kb.engine.guidance import add_guidance
from policy_kb.engine.medical_refund import check_medical_refund
from policy_kb.engine.noncurrent import check_noncurrent
from policy_kb.engine.registration import check_registration
from policy_kb.engine.retirement_check import check_retirement_age, compute_retirement
from policy_kb.engine.risk import check_employer, check_older_claimant, check_short_term
from policy_kb.engine.status import decide_status
from policy_kb.engine.stop_events import check_stop_events
from policy_kb.engine.transition import check_transition
from policy_kb.regions import ResolvedRegion, resolve_region
from policy_kb.rulebase import RuleBase
from policy_kb.schemas import (
    EligibilityDecision,
    EligibilityRequest,
    NextStep,
    RegionOut,
    StatutoryRetirementOut,
)

__all__ = ["evaluate"]

_MISSING_ZH = {
    "contribution.total_months": "累计缴纳失业保险费的月数",
    "separation.recorded_reason": "单位记录的离职原因",
    "registered_unemployed": "是否已办理失业登记",
    "person.birth_date": "出生日期",
    "person.retirement_category": "退休人员类别（男性、原55岁退休的女性或原50岁退休的女性）",
}


def evaluate(
    rule_base: RuleBase, request: EligibilityRequest, region: ResolvedRegion | None = None
) -> EligibilityDecision:
    """Decide one request. Raises :class:`policy_kb.regions.UnknownRegionError` for an unknown region.

    Pass `region` when the caller resolved it already. Never reads today's date.
    """
    resolved = region or resolve_region(request.region, rule_base.region_codes)
    ctx = Ctx(rules=rule_base, req=request, region=resolved)
    _national_fallback(ctx)
    compute_retirement(ctx)
    check_contribution(ctx)
    check_separation(ctx)
    check_registration(ctx)
    check_retirement_age(ctx)
    check_noncurrent(ctx)
    check_stop_events(ctx)
    check_claim_window(ctx)
    check_short_term(ctx)
    check_older_claimant(ctx)
    check_employer(ctx)
    check_transition(ctx)
    total = request.contribution.total_months if request.contribution else None
    months = None
    if total is not None:
        months = benefit_months(
            rule_base,
            resolved.code,
            total_months=total,
            previous_unused=request.previous_unused_months,
            on=request.application_date,
        )
    if not ctx.failed():
        check_extension(ctx, months)
    medical = check_medical_refund(ctx)
    review = review_deadline(ctx)
    status = decide_status(ctx)
    if status == "needs_info":
        _ask_for_missing(ctx)
    add_guidance(ctx, status)
    ret = ctx.retirement
    return EligibilityDecision(
        region=RegionOut(
            code=resolved.code,
            name=resolved.name,
            matched_code=resolved.matched_code,
            matched_name=resolved.matched_name,
            note=resolved.note,
        ),
        rule_base_version=rule_base.version,
        application_date=request.application_date,
        status=status,
        benefit_months=None if status in ("ineligible", "stopped") else months,
        review=review,
        statutory_retirement=StatutoryRetirementOut(month=ret.month, age=ret.age, pre_reform_month=ret.pre_reform_month)
        if ret
        else None,
        reasons=ctx.reasons,
        flags=ctx.flags,
        required_documents=ctx.documents,
        next_steps=[_with_citation(s) for s in ctx.steps],
        next_step_details=ctx.steps,
        missing_facts=ctx.missing,
        unchecked=ctx.unchecked,
        medical_refund=medical,
    )


def _with_citation(step: NextStep) -> str:
    labels = "；".join(dict.fromkeys(c.label() for c in step.citations))
    return f"{step.message}（依据：{labels}）"


def _national_fallback(ctx: Ctx) -> None:
    if not ctx.region.national_fallback:
        return
    rule = ctx.rule("scope.national_baseline")
    if rule is not None and ctx.region.note:
        ctx.reason(
            "NATIONAL_FALLBACK", "info", ctx.region.note, rule.citations, {"matched_code": ctx.region.matched_code}
        )


def _ask_for_missing(ctx: Ctx) -> None:
    rule = ctx.rule("conditions.min_contribution_months")
    if rule is None:
        return
    wanted = "、".join(_MISSING_ZH.get(f, f) for f in ctx.missing)
    ctx.step("PROVIDE_FACTS", f"还需要以下信息才能判断能否领取：{wanted}。", rule.citations)
