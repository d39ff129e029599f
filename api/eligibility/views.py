"""POST /v1/eligibility/evaluate (integration token or staff)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.eligibility.deps import CallerDep, RuleBaseDep
from api.eligibility.service import evaluate_request
from policy_kb import EligibilityDecision, EligibilityRequest

router = APIRouter(prefix="/v1/eligibility", tags=["资格判断"])


@router.post(
    "/evaluate",
    summary="判断能否领取失业保险金",
    response_model=EligibilityDecision,
    responses={422: {"description": "请求有误（字段名见 error.fields）"}},
)
async def evaluate_view(body: EligibilityRequest, rules: RuleBaseDep, _caller: CallerDep) -> Response:
    decision = evaluate_request(rule_base=rules, request=body)
    # The decision is built by the engine from validated parts; serialise it once, directly.
    return Response(decision.model_dump_json(), media_type="application/json")
