"""Eligibility: resolve the region, check the request's coherence, evaluate. No policy logic here."""

from __future__ import annotations

from api.eligibility.errors import IncoherentRequest
from api.regions.errors import UnknownRegion
from policy_kb import (
    EligibilityDecision,
    EligibilityRequest,
    ResolvedRegion,
    RuleBase,
    UnknownRegionError,
    evaluate,
    request_field_errors,
    resolve_region,
)


def resolve(*, rule_base: RuleBase, region: str, field: str = "region") -> ResolvedRegion:
    """The rule layer for a region code or name; an unknown one is a 422 naming `field`."""
    try:
        return resolve_region(region, rule_base.region_codes)
    except UnknownRegionError as exc:
        raise UnknownRegion(exc, field=field) from exc


def evaluate_request(*, rule_base: RuleBase, request: EligibilityRequest) -> EligibilityDecision:
    region = resolve(rule_base=rule_base, region=request.region)
    errors = request_field_errors(request)
    if errors:
        raise IncoherentRequest(errors)
    return evaluate(rule_base, request, region)
