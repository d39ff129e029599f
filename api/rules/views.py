"""GET /v1/rules/{region}?on=YYYY-MM-DD (integration token or staff)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.eligibility.deps import CallerDep, RuleBaseDep
from api.fields import MAX_REGION_CHARS
from api.rules.schemas import RulesInForce
from api.rules.service import rules_in_force
from policy_kb.clock import today_in_china

router = APIRouter(prefix="/v1/rules", tags=["地区与规则"])


@router.get("/{region}", summary="某地区某日有效的规则及其依据", response_model=RulesInForce)
async def rules_view(
    region: Annotated[str, Path(max_length=MAX_REGION_CHARS)],
    rules: RuleBaseDep,
    _caller: CallerDep,
    on: Annotated[date | None, Query(description="日期 YYYY-MM-DD；不填为北京时间今天")] = None,
) -> RulesInForce:
    day = on or today_in_china()
    return rules_in_force(rule_base=rules, region=region, on=day)
