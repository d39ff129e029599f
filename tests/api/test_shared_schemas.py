"""The one Region and the one Explanation shape: each answer keeps its field names and order."""

from __future__ import annotations

from pydantic import BaseModel

from api.claims.schemas import CheckinResult, ClaimOut
from api.kb.schemas import RegionRef
from api.tickets.schemas import TicketRead
from policy_kb import ResolvedRegion, resolve_region
from policy_kb.schemas import EligibilityDecision, Explanation, NextStep, Region, RegionOut


def fields(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def test_region_shapes_extend_the_one_region() -> None:
    assert fields(Region) == ["code", "name"]
    assert fields(RegionOut) == ["code", "name", "matched_code", "matched_name", "note"]
    assert fields(RegionRef) == ["code", "name", "matched", "national_fallback"]
    for model in (RegionOut, RegionRef):
        assert issubclass(model, Region)


def test_each_answer_names_its_region_by_those_shapes() -> None:
    assert TicketRead.model_fields["region"].annotation is Region
    assert ClaimOut.model_fields["region"].annotation is RegionOut
    assert EligibilityDecision.model_fields["region"].annotation is RegionOut


def test_explanations_are_one_shape() -> None:
    assert fields(Explanation) == ["code", "message", "citations"]
    assert fields(NextStep) == ["code", "message", "citations"]
    assert CheckinResult.model_fields["effects"].annotation == list[Explanation]


def test_region_ref_of_nothing_is_the_national_rules() -> None:
    assert RegionRef.of(None).model_dump() == {"code": "CN", "name": "全国", "matched": None, "national_fallback": True}
    found: ResolvedRegion = resolve_region("沈阳")
    ref = RegionRef.of(found).model_dump()
    assert (ref["code"], ref["matched"], ref["national_fallback"]) == ("210000", found.matched_name, False)
