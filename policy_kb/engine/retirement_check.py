"""No benefit at or past statutory retirement age (Shandong: paid after registration if no pension)."""

from __future__ import annotations

from policy_kb.citations import Citation
from policy_kb.engine.context import Ctx
from policy_kb.retirement import retirement_date, statutory_retirement
from policy_kb.vocab import BenefitKind


def compute_retirement(ctx: Ctx) -> None:
    person = ctx.req.person
    if person is None or person.birth_date is None:
        ctx.need("person.birth_date")
    if person is None or person.retirement_category is None:
        ctx.need("person.retirement_category")
    if person is None or person.birth_date is None or person.retirement_category is None:
        return
    schedule = ctx.rules.latest("CN", "retirement.schedule").value
    ctx.retirement = statutory_retirement(person.birth_date, person.retirement_category, schedule)


def check_retirement_age(ctx: Ctx) -> None:
    ret = ctx.retirement
    person = ctx.req.person
    if ret is None or person is None or person.birth_date is None:
        return
    rule = ctx.rule("retirement.benefit")
    schedule = ctx.rules.latest("CN", "retirement.schedule")
    reached_on = retirement_date(person.birth_date, ret.age_months)
    details = {"retirement_month": ret.month, "age": ret.age}
    if ctx.on < reached_on:
        ctx.reason(
            "BELOW_RETIREMENT_AGE",
            "pass",
            f"您的法定退休年龄是{_age_zh(ret.age)}，将在{_month_zh(ret.month)}达到，申请时尚未达到。",
            _schedule_citations(schedule.citations, person.retirement_category),
            details,
        )
        return
    if rule is None:
        return
    allowed = rule.value.pays_after_retirement_age
    if allowed == "if_no_pension_after_registration" and BenefitKind.basic_pension not in ctx.req.receiving:
        ctx.reason(
            "OVER_RETIREMENT_AGE_NO_PENSION",
            "pass",
            f"您已于{_month_zh(ret.month)}达到法定退休年龄，但还没有领取基本养老金；"
            "按山东规定，办理失业登记后可以按规定领取失业保险金。",
            rule.citations,
            details,
        )
        return
    ctx.reason(
        "RETIREMENT_AGE_REACHED",
        "fail",
        f"您已于{_month_zh(ret.month)}达到法定退休年龄（{_age_zh(ret.age)}），不能再领取失业保险金。",
        [*rule.citations, *_schedule_citations(schedule.citations, person.retirement_category)],
        details,
    )


_ROW_MARKERS = {"male": "| men |", "female_cadre": "original age 55", "female_worker": "original age 50"}


def _schedule_citations(citations: list[Citation], category: str | None) -> list[Citation]:
    """The schedule row for the person's category and the formula (not every row)."""
    marker = _ROW_MARKERS.get(str(category), "\0")
    picked = [c for c in citations if marker in c.quote or c.clause == "计算方法"]
    return picked or citations


def _month_zh(month: str) -> str:
    year, mon = month.split("-")
    return f"{year}年{int(mon)}月"


def _age_zh(age: str) -> str:
    years, months = age.rstrip("m").split("y")
    return f"{years}岁" + (f"{int(months)}个月" if int(months) else "")
