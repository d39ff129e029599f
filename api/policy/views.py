"""POST /v1/eligibility/evaluate and GET /v1/rules/{region} (integration token or staff); GET /v1/regions (public)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api.fields import MAX_REGION_CHARS
from api.policy.deps import CallerDep, RuleBaseDep
from api.policy.eligibility import evaluate_request
from api.policy.regions import list_regions
from api.policy.rules import rules_in_force
from api.policy.schemas import RegionList, RulesInForce
from policy_kb import EligibilityDecision, EligibilityRequest
from policy_kb.clock import today_in_china

router = APIRouter()


@router.post(
    "/v1/eligibility/evaluate",
    tags=["资格判断"],
    summary="判断能否领取失业保险金",
    response_model=EligibilityDecision,
    responses={422: {"description": "请求有误（字段名见 error.fields）"}},
)
async def evaluate_view(body: EligibilityRequest, rules: RuleBaseDep, _caller: CallerDep) -> Response:
    decision = evaluate_request(rule_base=rules, request=body)
    # The decision is built by the engine from validated parts; serialise it once, directly.
    return Response(decision.model_dump_json(), media_type="application/json")


@router.get("/v1/regions", tags=["地区与规则"], summary="有规则集的地区及其现行文件", response_model=RegionList)
async def regions_view(rules: RuleBaseDep) -> RegionList:
    return list_regions(rule_base=rules)


@router.get(
    "/v1/rules/{region}", tags=["地区与规则"], summary="某地区某日有效的规则及其依据", response_model=RulesInForce
)
async def rules_view(
    region: Annotated[str, Path(max_length=MAX_REGION_CHARS)],
    rules: RuleBaseDep,
    _caller: CallerDep,
    on: Annotated[date | None, Query(description="日期 YYYY-MM-DD；不填为北京时间今天")] = None,
) -> RulesInForce:
    day = on or today_in_china()
    return rules_in_force(rule_base=rules, region=region, on=day)
