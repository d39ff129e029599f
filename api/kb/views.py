"""GET /v1/kb/search and POST /v1/operator/suggestions (integration token or staff)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.auth import IntegrationOrStaff
from api.claims.access import authorize
from api.db import SessionDep
from api.deps import SettingsDep
from api.fields import MAX_REGION_CHARS
from api.kb import service
from api.kb.deps import KnowledgeBaseDep
from api.kb.schemas import KbSearchOut, SuggestionsIn, SuggestionsOut
from api.policy.deps import RuleBaseDep
from policy_kb.clock import today_in_china

router = APIRouter(tags=["政策问答"])


@router.get(
    "/v1/kb/search",
    response_model=KbSearchOut,
    summary="按地区检索政策问答与通知条款",
    responses={422: {"description": "问题为空或地区无法识别"}},
)
def kb_search(
    kb: KnowledgeBaseDep,
    _caller: IntegrationOrStaff,
    q: Annotated[str, Query(description="问题，如“重庆失业金审核要几天”", max_length=200)],
    region: Annotated[
        str | None, Query(max_length=MAX_REGION_CHARS, description="地区代码或名称；问题中写明的地名优先")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=20, description="最多返回几条")] = 5,
) -> KbSearchOut:
    return service.search(kb=kb, q=q, region=region, limit=limit, on=today_in_china())


@router.post(
    "/v1/operator/suggestions",
    response_model=SuggestionsOut,
    summary="坐席答复建议（可直接朗读或发送）",
    responses={404: {"description": "申领记录不存在"}, 422: {"description": "问题为空或地区无法识别"}},
)
def operator_suggestions(
    body: SuggestionsIn,
    request: Request,
    kb: KnowledgeBaseDep,
    session: SessionDep,
    rule_base: RuleBaseDep,
    caller: IntegrationOrStaff,
    settings: SettingsDep,
) -> SuggestionsOut:
    if body.claim_id is not None:  # the answer carries the claim's status: the claim routes' rules
        authorize(request, session, caller, body.claim_id, detail=True, what="suggestions")
    return service.suggestions(
        kb=kb,
        session=session,
        rule_base=rule_base,
        settings=settings,
        text=body.text,
        region=body.region,
        claim_id=body.claim_id,
        on=today_in_china(),
    )
