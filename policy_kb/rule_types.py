"""The type of every rule key. A value in YAML that does not fit its type fails at load."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from policy_kb.vocab import BenefitKind, EventType, RetirementCategory


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Bracket(_Value):
    min_months: int = Field(ge=0)
    months: int = Field(ge=1)


class StopEvents(_Value):
    events: list[EventType]
    # "next_month": from the month after the event (a notice says so); "event_month": with the event;
    # "unspecified": the texts say payment stops but not from which month (社会保险法 第五十一条).
    stops_from: Literal["event_month", "next_month", "unspecified"]
    resumable: list[EventType] = []


class Threshold(_Value):
    """`field` compared with `months`: lt (under) or lte (N or less)."""

    field: Literal["last_employer_months", "last_employer_continuous_months"]
    comparison: Literal["lt", "lte"]
    months: int = Field(ge=1)


class OlderClaimant(_Value):
    within_months: int = Field(ge=1)


class MassClaims(_Value):
    claimants_this_month_at_least: int = Field(ge=1)
    more_than_share_of_headcount: float = Field(gt=0, le=1)


class NewEmployer(_Value):
    insured_months_under: int = Field(ge=1)
    claimants_total_at_least: int = Field(ge=1)


class DisputeRoute(_Value):
    where: str
    evidence: list[str]
    employer_route: str | None = None
    stages: list[str] = []


class MedicalRefund(_Value):
    cap: Literal["local_standard"]
    actual_if_lower: bool
    how: str


class Extension(_Value):
    within_months: int = Field(ge=1)
    automatic: bool | None  # None: the source does not say


class Transition(_Value):
    receiving_on: date
    post_reform_gap_over_months: int = Field(ge=1)
    pre_reform_gap_under_months: int = Field(ge=1)
    on_application: bool
    no_further_extension: bool


class Registration(_Value):
    how: str


class AmountRule(_Value):
    set_by: str
    floor: str
    ceiling: str


class Schedule(_Value):
    original_age_years: int
    first_birth_month: str = Field(pattern=r"^\d{4}-\d{2}$")
    step_birth_months: int = Field(ge=1)
    max_delay_months: int = Field(ge=0)


class Window(_Value):
    start_day: int = Field(ge=1, le=31)
    end_day: int = Field(ge=1, le=31)


class RefusalCheck(_Value):
    """Benefit after statutory retirement age: never, or only when no pension is drawn."""

    pays_after_retirement_age: Literal["never", "if_no_pension_after_registration"]


RULE_TYPES: dict[str, Any] = {
    "conditions.min_contribution_months": int,
    "conditions.involuntary_separation": bool,
    "conditions.registration_required": bool,
    "duration.brackets": list[Bracket],
    "duration.max_months": int,
    "review.working_days": int,
    "review.joint_review_working_days": int,
    "review.documents": list[str],
    "review.form": str,
    "registration.handling": Registration,
    "claim_window.days": int,
    "claim_window.refusal_for_60_days": bool,
    "noncurrent.benefits": list[BenefitKind],
    "stop.events": StopEvents,
    "stop.report_within_working_days": int,
    "retirement.schedule": dict[RetirementCategory, Schedule],
    "retirement.benefit": RefusalCheck,
    "risk.short_term": Threshold,
    "risk.short_term_local": Threshold,  # a region's own check in addition to the national one
    "risk.short_term_documents": list[str],
    "risk.older_claimant": OlderClaimant,
    "risk.employer_mass_claims": MassClaims,
    "risk.new_employer_many_claimants": NewEmployer,
    "dispute.route": DisputeRoute,
    "medical.refund": MedicalRefund,
    "extension.to_retirement": Extension,
    "transition.pre_reform_age": Transition,
    "benefit.amount": AmountRule,
    "benefit.paid_from_registration": bool,
    "monthly.duty": Literal["monthly_claim", "qualification_check", "none"],
    "monthly.window": Window,
    "monthly.missed_month_lost": bool,
    "monthly.medical_suspend_after_missed": int,
    "monthly.payment_suspend_after_missed": int,
    "monthly.suspension_keeps_months": bool,
    "monthly.resume": Literal["next_month"],
    "backpay.max_months": int | None,
    "backpay.places": list[str],
    "backpay.within_benefit_period": bool,
    "jobs.help": str,
    "service.hotline": str,
    "scope.national_baseline": bool,
    "review.reapplication": bool,
}

ADAPTERS: dict[str, TypeAdapter[Any]] = {key: TypeAdapter(tp) for key, tp in RULE_TYPES.items()}
