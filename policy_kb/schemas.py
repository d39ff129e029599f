"""Request and response of ``POST /v1/eligibility/evaluate`` (contracts.md), as pydantic models."""

from __future__ import annotations

from datetime import date as Date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from policy_kb.citations import Citation
from policy_kb.vocab import BenefitKind, EventType, RetirementCategory

MIN_DATE = Date(1900, 1, 1)
MAX_DATE = Date(2100, 12, 31)
MAX_MONTHS = 1200  # 100 years of contributions


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Person(_In):
    birth_date: Date | None = Field(default=None, ge=MIN_DATE, le=MAX_DATE)
    retirement_category: RetirementCategory | None = None


class Contribution(_In):
    total_months: int | None = Field(default=None, ge=0, le=MAX_MONTHS)
    last_employer_months: int | None = Field(default=None, ge=0, le=MAX_MONTHS)
    last_employer_continuous_months: int | None = Field(default=None, ge=0, le=MAX_MONTHS)


class Separation(_In):
    date: Date | None = Field(default=None, ge=MIN_DATE, le=MAX_DATE)
    recorded_reason: Literal["involuntary", "voluntary"] | None = None
    claims_involuntary: bool = False


class Event(_In):
    type: EventType
    date: Date = Field(ge=MIN_DATE, le=MAX_DATE)


class Employer(_In):
    insured_months: int | None = Field(default=None, ge=0, le=MAX_MONTHS)
    claimants_total: int | None = Field(default=None, ge=0, le=10_000_000)
    claimants_this_month: int | None = Field(default=None, ge=0, le=10_000_000)
    insured_headcount: int | None = Field(default=None, ge=0, le=10_000_000)


class Benefit(_In):
    receiving_on: Date | None = Field(default=None, ge=MIN_DATE, le=MAX_DATE)
    end_date: Date | None = Field(default=None, ge=MIN_DATE, le=MAX_DATE)


class MedicalInsurance(_In):
    """Extension to contracts.md: premiums the claimant paid as a flexible worker (for the refund rule)."""

    self_paid: bool = False
    amount_paid: Decimal | None = Field(default=None, ge=0, le=Decimal("10000000"))
    local_standard: Decimal | None = Field(default=None, ge=0, le=Decimal("10000000"))


class EligibilityRequest(_In):
    region: str = Field(min_length=1, max_length=64)
    application_date: Date = Field(ge=Date(2000, 1, 1), le=MAX_DATE)
    person: Person | None = None
    contribution: Contribution | None = None
    separation: Separation | None = None
    registered_unemployed: bool | None = None
    receiving: list[BenefitKind] = Field(default_factory=list, max_length=10)
    events: list[Event] = Field(default_factory=list, max_length=50)
    employer: Employer | None = None
    previous_unused_months: int = Field(default=0, ge=0, le=24)
    benefit: Benefit | None = None
    medical_insurance: MedicalInsurance | None = None


def request_field_errors(req: EligibilityRequest) -> dict[str, str]:
    """Cross-field impossibilities, as {field path: Chinese message}. Empty when the request is coherent."""
    errors: dict[str, str] = {}
    person, contrib = req.person, req.contribution
    if person and person.birth_date and person.birth_date >= req.application_date:
        errors["person.birth_date"] = "出生日期必须早于申请日期。"
    if req.separation and req.separation.date and req.separation.date > req.application_date:
        errors["separation.date"] = "离职日期不能晚于申请日期。"
    if (
        person
        and person.birth_date
        and req.separation
        and req.separation.date
        and req.separation.date <= person.birth_date
    ):
        errors["separation.date"] = "离职日期必须晚于出生日期。"
    if contrib:
        total, last, cont = contrib.total_months, contrib.last_employer_months, contrib.last_employer_continuous_months
        if total is not None and last is not None and last > total:
            errors["contribution.last_employer_months"] = "在最后一个单位的缴费月数不能大于累计缴费月数。"
        if last is not None and cont is not None and cont > last:
            errors["contribution.last_employer_continuous_months"] = "连续缴费月数不能大于在最后一个单位的缴费月数。"
        elif total is not None and cont is not None and cont > total:
            errors["contribution.last_employer_continuous_months"] = "连续缴费月数不能大于累计缴费月数。"
    emp = req.employer
    if (
        emp
        and emp.claimants_total is not None
        and emp.claimants_this_month is not None
        and emp.claimants_this_month > emp.claimants_total
    ):
        errors["employer.claimants_this_month"] = "本月申领人数不能大于累计申领人数。"
    ben = req.benefit
    if ben and ben.receiving_on and ben.end_date and ben.end_date < ben.receiving_on:
        errors["benefit.end_date"] = "领金期满日期不能早于正在领取的日期。"
    for i, event in enumerate(req.events):
        if person and person.birth_date and event.date <= person.birth_date:
            errors[f"events.{i}.date"] = "事件日期必须晚于出生日期。"
    return errors


# ---------------------------------------------------------------- response


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Region(_Out):
    """A region as every answer names it: the rule layer's code (GB/T 2260, CN for national) and name.

    The one region shape of the API; the answers that say more extend it (RegionOut here, the
    knowledge base's RegionRef, api/kb/schemas.py), tickets and the like answer it as is.
    """

    code: str = Field(description="地区代码（GB/T 2260；CN 为国家规定）")
    name: str


class RegionOut(Region):
    matched_code: str
    matched_name: str
    note: str | None = None


class Reason(_Out):
    code: str
    outcome: Literal["pass", "fail", "pending", "info"]
    message: str
    citations: list[Citation] = Field(min_length=1)
    details: dict[str, Any] | None = None


class Flag(_Out):
    code: str
    effect: Literal["review", "info"]  # review: sets status needs_review; info: tells, changes nothing
    message: str
    citations: list[Citation] = Field(min_length=1)
    details: dict[str, Any] | None = None


class Explanation(_Out):
    """One cited explanation: a code, the Chinese text, the citations of the rules it rests on.

    The claims API's reasons (check-in effects, status notes) and the eligibility next steps.
    """

    code: str
    message: str
    citations: list[Citation]

    @classmethod
    def of(cls, note: Any) -> Explanation:
        """From a ``policy_kb.benefits.explain.Note`` (a dataclass with the same fields)."""
        return cls(code=note.code, message=note.message, citations=list(note.citations))


class NextStep(Explanation):
    citations: list[Citation] = Field(min_length=1)


class Review(_Out):
    working_days: int | None
    deadline: Date | None
    provisional: bool | None


class StatutoryRetirementOut(_Out):
    month: str
    age: str
    pre_reform_month: str


class MedicalRefundOut(_Out):
    amount: Decimal | None  # None when the caller gave no amounts (never guessed)
    cap: Literal["local_standard"]
    how: str


Status = Literal["eligible", "ineligible", "needs_review", "pending_registration", "stopped", "needs_info"]


class EligibilityDecision(_Out):
    region: RegionOut
    rule_base_version: str
    application_date: Date
    status: Status
    benefit_months: int | None
    review: Review
    statutory_retirement: StatutoryRetirementOut | None
    reasons: list[Reason]
    flags: list[Flag]
    required_documents: list[str]
    next_steps: list[str]  # each message ends with its citation, e.g. "…（依据：渝人社办〔2025〕112号 一（二））"
    next_step_details: list[NextStep]  # the same steps with structured citations
    missing_facts: list[str]  # request field paths a rule needs (status needs_info)
    unchecked: list[str]  # optional facts absent, so a risk check could not run
    medical_refund: MedicalRefundOut | None = None
