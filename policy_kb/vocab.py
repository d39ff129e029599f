"""Closed vocabularies shared by the rule files, the request schema and the engine."""

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
