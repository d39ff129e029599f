"""Properties of the engine over generated, well-formed requests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_kb import EligibilityRequest, RuleBase, evaluate, request_field_errors
from policy_kb.vocab import BenefitKind, EventType

REGIONS = ["CN", "120000", "210000", "500000", "370000", "371500", "150000", "广东", "沈阳", "聊城"]
CATEGORIES = ["male", "female_cadre", "female_worker"]


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    app = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
    total = draw(st.integers(0, 600))
    last = draw(st.integers(0, total))
    body: dict[str, Any] = {
        "region": draw(st.sampled_from(REGIONS)),
        "application_date": app.isoformat(),
        "previous_unused_months": draw(st.integers(0, 24)),
        "receiving": draw(st.lists(st.sampled_from([b.value for b in BenefitKind]), max_size=2, unique=True)),
    }
    if draw(st.booleans()):
        birth = draw(st.dates(min_value=date(1940, 1, 1), max_value=app - timedelta(days=1)))
        body["person"] = {"birth_date": birth.isoformat(), "retirement_category": draw(st.sampled_from(CATEGORIES))}
    if draw(st.booleans()):
        body["contribution"] = {
            "total_months": total,
            "last_employer_months": last,
            "last_employer_continuous_months": draw(st.integers(0, last)),
        }
    if draw(st.booleans()):
        sep = draw(st.dates(min_value=app - timedelta(days=400), max_value=app))
        body["separation"] = {
            "date": sep.isoformat(),
            "recorded_reason": draw(st.sampled_from(["involuntary", "voluntary"])),
            "claims_involuntary": draw(st.booleans()),
        }
    body["registered_unemployed"] = draw(st.one_of(st.none(), st.booleans()))
    body["events"] = [
        {
            "type": draw(st.sampled_from([e.value for e in EventType])),
            "date": draw(
                st.dates(min_value=app - timedelta(days=100), max_value=app + timedelta(days=800))
            ).isoformat(),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    if draw(st.booleans()):
        this_month = draw(st.integers(0, 100))
        body["employer"] = {
            "insured_months": draw(st.integers(0, 300)),
            "claimants_this_month": this_month,
            "claimants_total": this_month + draw(st.integers(0, 100)),
            "insured_headcount": draw(st.integers(0, 500)),
        }
    if draw(st.booleans()):
        start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)))
        body["benefit"] = {
            "receiving_on": start.isoformat(),
            "end_date": (start + timedelta(days=draw(st.integers(0, 800)))).isoformat(),
        }
    if draw(st.booleans()):
        body["medical_insurance"] = {
            "self_paid": True,
            "amount_paid": str(draw(st.integers(0, 5000))),
            "local_standard": str(draw(st.integers(0, 5000))),
        }
    return body


def _coherent(body: dict[str, Any]) -> EligibilityRequest | None:
    req = EligibilityRequest.model_validate(body)
    return None if request_field_errors(req) else req


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requests())
def test_evaluate_never_raises_and_everything_is_cited(rules: RuleBase, body: dict[str, Any]) -> None:
    req = _coherent(body)
    if req is None:
        return
    decision = evaluate(rules, req)
    dumped = decision.model_dump(mode="json")  # serialisable
    assert dumped["status"] in {
        "eligible",
        "ineligible",
        "needs_review",
        "pending_registration",
        "stopped",
        "needs_info",
    }
    for item in [*decision.reasons, *decision.flags, *decision.next_step_details]:
        assert item.citations and item.message
    assert len(decision.next_steps) == len(decision.next_step_details)
    if decision.status == "needs_info":
        assert decision.missing_facts
    if decision.benefit_months is not None:
        assert 12 <= decision.benefit_months <= 24


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requests(), st.integers(1, 300))
def test_more_contribution_never_fewer_months(rules: RuleBase, body: dict[str, Any], extra: int) -> None:
    body.setdefault("contribution", {"total_months": 0})
    req = _coherent(body)
    if req is None:
        return
    more = dict(body, contribution=dict(body["contribution"]))
    more["contribution"]["total_months"] = body["contribution"]["total_months"] + extra
    req_more = _coherent(more)
    assert req_more is not None
    fewer_months = evaluate(rules, req).benefit_months or 0
    more_months = evaluate(rules, req_more).benefit_months or 0
    assert more_months >= fewer_months
