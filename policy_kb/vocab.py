"""Closed vocabularies shared by the rule files, the request schema, the engine and the claims ledger."""

from __future__ import annotations

from enum import StrEnum


class RetirementCategory(StrEnum):
    male = "male"
    female_cadre = "female_cadre"  # original age 55
    female_worker = "female_worker"  # original age 50


class BenefitKind(StrEnum):
    basic_pension = "basic_pension"
    illness_disability_allowance = "illness_disability_allowance"
    injury_allowance_grade_1_4 = "injury_allowance_grade_1_4"
    flexible_employment_subsidy = "flexible_employment_subsidy"


class EventType(StrEnum):
    reemployed = "reemployed"
    flexible_employment_registered = "flexible_employment_registered"
    legal_representative = "legal_representative"
    deceased = "deceased"
    imprisoned = "imprisoned"
    emigrated = "emigrated"
    enlisted = "enlisted"
    refused_job_offer = "refused_job_offer"
    refused_training = "refused_training"


BENEFIT_NAMES_ZH: dict[BenefitKind, str] = {
    BenefitKind.basic_pension: "基本养老保险待遇",
    BenefitKind.illness_disability_allowance: "病残津贴",
    BenefitKind.injury_allowance_grade_1_4: "1-4级伤残津贴",
    BenefitKind.flexible_employment_subsidy: "灵活就业社保补贴",
}

EVENT_NAMES_ZH: dict[EventType, str] = {
    EventType.reemployed: "重新就业",
    EventType.flexible_employment_registered: "办理了灵活就业登记",
    EventType.legal_representative: "担任企业法定代表人或负责人",
    EventType.deceased: "死亡",
    EventType.imprisoned: "被判刑收监执行",
    EventType.emigrated: "移居境外",
    EventType.enlisted: "应征服兵役",
    EventType.refused_job_offer: "无正当理由拒不接受介绍的工作",
    EventType.refused_training: "无正当理由拒不接受提供的培训",
}


class CheckinAnswer(StrEnum):
    """The monthly check-in's stop-event questions (contracts.md: the keys of ``answers``), in order.

    actions/checkin.py keeps a copy (the action server does not ship policy_kb);
    tests/policy_kb/test_vocab_copies.py fails when the two differ.
    """

    reemployed = "reemployed"
    business_registered = "business_registered"
    receiving_pension = "receiving_pension"
    enlisted = "enlisted"
    emigrated = "emigrated"
    refused_job_offer = "refused_job_offer"


CHECKIN_ANSWER_NAMES_ZH: dict[CheckinAnswer, str] = {
    CheckinAnswer.reemployed: EVENT_NAMES_ZH[EventType.reemployed],
    CheckinAnswer.business_registered: "办理工商登记或担任企业负责人",
    CheckinAnswer.receiving_pension: "领取基本养老金",
    CheckinAnswer.enlisted: EVENT_NAMES_ZH[EventType.enlisted],
    CheckinAnswer.emigrated: EVENT_NAMES_ZH[EventType.emigrated],
    CheckinAnswer.refused_job_offer: EVENT_NAMES_ZH[EventType.refused_job_offer],
}


class MonthState(StrEnum):
    paid = "paid"  # payable for this month (checked in, or no duty applies)
    lost = "lost"  # no check-in and the window closed: the month's benefit is not paid (Tianjin)
    suspended = "suspended"  # payment suspended; the month is not used up (Chongqing)
    backpaid = "backpaid"  # lost, then paid on an approved back-pay request
    pending = "pending"  # this month's window has not closed and there is no check-in yet
    future = "future"  # a later month of the (projected) benefit period


# Status of a back-pay (补发) request for a month (stored by api.claims, read by the ledger).
# No docstring: it would become the enum's description in the API's OpenAPI document.
class BackpayStatus(StrEnum):
    pending_review = "pending_review"
    approved = "approved"
    rejected = "rejected"
