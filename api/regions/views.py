"""GET /v1/regions (public)."""

from __future__ import annotations

from fastapi import APIRouter

from api.eligibility.deps import RuleBaseDep
from api.regions.schemas import RegionList
from api.regions.service import list_regions

router = APIRouter(prefix="/v1/regions", tags=["地区与规则"])


@router.get("", summary="有规则集的地区及其现行文件", response_model=RegionList)
async def regions_view(rules: RuleBaseDep) -> RegionList:
    return list_regions(rule_base=rules)
