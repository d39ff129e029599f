"""High-risk checks that send a claim to review: short-term insured, older claimant, employer patterns."""

from __future__ import annotations

from policy_kb.citations import Citation
from policy_kb.engine.context import Ctx
from policy_kb.months import add_months
from policy_kb.retirement import retirement_date
from policy_kb.rule_types import MassClaims, NewEmployer, Threshold

_FIELD_ZH = {
    "last_employer_months": "在最后一个参保单位累计缴费",
    "last_employer_continuous_months": "在最后参保单位连续缴费",
}


def _documents(ctx: Ctx) -> None:
    docs = ctx.rule("risk.short_term_documents")
    if docs is not None:
        ctx.add_documents(docs.value)


def check_short_term(ctx: Ctx) -> None:
    """The national (or a region's replacing) short-term check, and a region's additional one.

    One flag: the first check that hits speaks, in rule order (national first)."""
    for key in ("risk.short_term", "risk.short_term_local"):
        rule = ctx.rule(key)
        if rule is not None and _short_term_hit(ctx, rule.value, rule.citations):
            _documents(ctx)
            return


def _short_term_hit(ctx: Ctx, threshold: Threshold, citations: list[Citation]) -> bool:
    contrib = ctx.req.contribution
    months = getattr(contrib, threshold.field) if contrib else None
    if months is None:
        ctx.cannot_check(f"contribution.{threshold.field}")
        return False
    hit = months <= threshold.months if threshold.comparison == "lte" else months < threshold.months
    if not hit:
        return False
    bound = f"{threshold.months}个月及以下" if threshold.comparison == "lte" else f"不足{threshold.months}个月"
    ctx.flag(
        "RISK_SHORT_TERM_INSURED",
        f"您{_FIELD_ZH[threshold.field]}{months}个月（{bound}），属于短期参保，"
        "经办机构需要先核实真实的劳动关系，再继续办理。",
        citations,
        details={"months": months, "threshold": threshold.model_dump()},
    )
    return True


def check_older_claimant(ctx: Ctx) -> None:
    rule = ctx.rule("risk.older_claimant")
    if rule is None:
        return
    person = ctx.req.person
    if ctx.retirement is None or person is None or person.birth_date is None:
        return  # retirement facts are required facts: already listed as missing
    within: int = rule.value.within_months
    reached_on = retirement_date(person.birth_date, ctx.retirement.age_months)
    if not (add_months(reached_on, -within) <= ctx.on < reached_on):
        return
    ctx.flag(
        "RISK_OLDER_CLAIMANT",
        f"您距法定退休年龄（{reached_on.year}年{reached_on.month}月）在{within // 12}年以内，属于大龄申领人员，"
        "经办机构会核查劳动关系材料后再核定。",
        rule.citations,
        details={"retirement_month": ctx.retirement.month, "within_months": within},
    )
    _documents(ctx)


def check_employer(ctx: Ctx) -> None:
    mass = ctx.rule("risk.employer_mass_claims")
    new = ctx.rule("risk.new_employer_many_claimants")
    if mass is None and new is None:
        return
    emp = ctx.req.employer
    if mass is not None:
        cfg: MassClaims = mass.value
        this_month = emp.claimants_this_month if emp else None
        headcount = emp.insured_headcount if emp else None
        if this_month is None:
            ctx.cannot_check("employer.claimants_this_month")
        elif this_month >= cfg.claimants_this_month_at_least or (
            headcount is not None and this_month > headcount * cfg.more_than_share_of_headcount
        ):
            ctx.flag(
                "RISK_EMPLOYER_MASS_CLAIMS",
                f"原单位本月已有{this_month}人申领失业保险金（{cfg.claimants_this_month_at_least}人及以上或超过职工半数），"
                "经办机构需要核实真实劳动关系后再继续办理。",
                mass.citations,
                details={"claimants_this_month": this_month, "insured_headcount": headcount},
            )
            _documents(ctx)
    if new is not None:
        cfg_new: NewEmployer = new.value
        insured = emp.insured_months if emp else None
        total = emp.claimants_total if emp else None
        if insured is None or total is None:
            ctx.cannot_check(
                *(
                    f
                    for f, v in (("employer.insured_months", insured), ("employer.claimants_total", total))
                    if v is None
                )
            )
        elif insured < cfg_new.insured_months_under and total >= cfg_new.claimants_total_at_least:
            ctx.flag(
                "RISK_NEW_EMPLOYER_MANY_CLAIMANTS",
                f"原单位累计参保{insured}个月（不足{cfg_new.insured_months_under}个月），已有{total}人申领，"
                "经办机构需要核实真实劳动关系后再继续办理。",
                new.citations,
                details={"insured_months": insured, "claimants_total": total},
            )
            _documents(ctx)
