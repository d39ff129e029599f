"""Request and response bodies of the knowledge-base and operator-suggestion routes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.fields import RegionText, StrictInt, Text
from policy_kb import Citation, ResolvedRegion
from policy_kb.schemas import Region


class RegionRef(Region):
    """The region an answer follows, and whether that is the national rules standing in."""

    matched: str | None = Field(default=None, description="问题或参数中识别出的地名")
    national_fallback: bool = Field(
        description="无地区或该地区无单独文件时为 true，答复按国家规定并提示当地规定可能不同"
    )

    @classmethod
    def of(cls, resolved: ResolvedRegion | None) -> RegionRef:
        """None (no region known) answers by the national rules."""
        if resolved is None:
            return cls(code="CN", name="全国", matched=None, national_fallback=True)
        return cls(
            code=resolved.code,
            name=resolved.name,
            matched=resolved.matched_name,
            national_fallback=resolved.national_fallback or resolved.code == "CN",
        )


class KbResult(BaseModel):
    kind: Literal["entry", "clause"]
    id: str
    title: str
    score: float
    answer: str = Field(description="可直接展示的答复：正文、必要时的当地规定提示、依据")
    body: str
    citations: list[Citation]
    region_used: str
    national_fallback: bool


class KbSearchOut(BaseModel):
    query: str
    region: RegionRef
    results: list[KbResult]


class SuggestionsIn(BaseModel):
    # An unknown field is a caller's mistake (a misspelt `region` would silently answer nationally).
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(description="来电人所说的话或坐席概括的问题", max_length=500)
    region: RegionText | None = Field(default=None, description="地区代码或名称，如 210000、沈阳")
    claim_id: StrictInt | None = Field(default=None, ge=1, le=2**31 - 1, description="已知的申领记录编号")


class SuggestionSource(BaseModel):
    kind: Literal["entry", "clause"]
    id: str
    citations: list[Citation]


class Suggestion(BaseModel):
    reply: str
    score: float = Field(description="把握程度（0–1）")
    title: str | None = Field(default=None, description="所答问题（条目标题），供坐席核对")
    source: SuggestionSource


class SuggestionsOut(BaseModel):
    suggestions: list[Suggestion]
    region: RegionRef
    claim_status: dict[str, Any] | None = Field(
        default=None, description="给出 claim_id 时该申领的当前状态（同 GET /v1/claims/{id}/status）"
    )
    abstained: bool = Field(default=False, description="知识库中没有对应答复时为 true（suggestions 为空）")
    note: str | None = Field(default=None, description="abstained 时给坐席的提示：12333、当地经办机构、受理工单")
