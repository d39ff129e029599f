"""Unemployment-insurance rule base and eligibility engine (no web framework, no database).

Public interface (other parts code against these names):
"""

from policy_kb.citations import Citation
from policy_kb.engine import evaluate
from policy_kb.regions import ResolvedRegion, UnknownRegionError, resolve_region
from policy_kb.retirement import Retirement, RetirementCategory, statutory_retirement
from policy_kb.rulebase import (
    RuleBase,
    RuleBaseError,
    RuleNotFound,
    RuleValue,
    default_rule_base,
    load_rule_base,
)
from policy_kb.schemas import EligibilityDecision, EligibilityRequest, request_field_errors
from policy_kb.workdays import Deadline, add_working_days

__all__ = [
    "Citation",
    "Deadline",
    "EligibilityDecision",
    "EligibilityRequest",
    "ResolvedRegion",
    "Retirement",
    "RetirementCategory",
    "RuleBase",
    "RuleBaseError",
    "RuleNotFound",
    "RuleValue",
    "UnknownRegionError",
    "add_working_days",
    "default_rule_base",
    "evaluate",
    "load_rule_base",
    "request_field_errors",
    "resolve_region",
    "statutory_retirement",
]
