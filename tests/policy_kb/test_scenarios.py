"""Data-driven scenarios (scenarios/*.yaml): input → expected decision, evaluated in-process."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from policy_kb import EligibilityRequest, RuleBase, evaluate, request_field_errors
from tests.policy_kb.scenario_check import load_scenarios, mismatches

CASES = load_scenarios()


@pytest.mark.parametrize(("region", "name", "given", "expected"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_scenario(rules: RuleBase, region: str, name: str, given: dict[str, Any], expected: dict[str, Any]) -> None:
    request = EligibilityRequest.model_validate(given)
    assert request_field_errors(request) == {}
    decision = evaluate(rules, request).model_dump(mode="json")
    assert mismatches(decision, expected) == []


def test_at_least_ten_scenarios_per_region() -> None:
    per_file = Counter(c[0] for c in CASES)
    assert set(per_file) >= {"tianjin", "liaoning", "chongqing", "shandong", "inner_mongolia", "national"}
    assert min(per_file.values()) >= 10, per_file
