"""Eligibility: resolve the region, check the request's coherence, evaluate. No policy logic here."""

from __future__ import annotations

from api.policy.errors import IncoherentRequest
from api.policy.regions import resolve_region
from policy_kb import EligibilityDecision, EligibilityRequest, RuleBase, evaluate, request_field_errors


def evaluate_request(*, rule_base: RuleBase, request: EligibilityRequest) -> EligibilityDecision:
    region = resolve_region(region=request.region, rule_base=rule_base)
    errors = request_field_errors(request)
    if errors:
        raise IncoherentRequest(errors)
    return evaluate(rule_base, request, region)
