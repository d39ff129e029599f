"""Rules in force for a region on a date (for operators and auditors)."""

from __future__ import annotations

from datetime import date

from api.policy.regions import resolve_region
from api.policy.schemas import RuleOut, RulesInForce
from policy_kb import RuleBase


def rules_in_force(*, rule_base: RuleBase, region: str, on: date) -> RulesInForce:
    resolved = resolve_region(region=region, rule_base=rule_base)
    rules = [RuleOut.model_validate(v.as_dict()) for v in rule_base.rules_in_force(resolved.code, on)]
    return RulesInForce(
        region={
            "code": resolved.code,
            "name": resolved.name,
            "matched_code": resolved.matched_code,
            "matched_name": resolved.matched_name,
            "note": resolved.note,
        },
        on=on,
        rule_base_version=rule_base.version,
        rules=rules,
    )
