"""Request and response bodies of POST /v1/answers (the contract other parts build on)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.fields import RegionText
from api.kb.schemas import RegionRef
from policy_kb import Citation

Audience = Literal["claimant", "operator"]
# The known facts are a handful of short values (months, a birth month, a category).
MAX_FACTS_CHARS = 2000


def _bounded_facts(value: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(value, ensure_ascii=False)) > MAX_FACTS_CHARS:
        raise ValueError(f"已知情况内容过长（上限 {MAX_FACTS_CHARS} 个字符）")
    return value


class AnswerIn(BaseModel):
    # An unknown field is a caller's mistake (a misspelt `region` would silently answer nationally).
    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=2000, description="对方发来的原话，可以很长（先讲经过、最后提问）")
    region: RegionText | None = Field(
        default=None, description="已知地区代码或名称；消息里写明的地名优先（坐席所选地区除外）"
    )
    date: dt.date | None = Field(default=None, description="按哪一天的规定答复，默认今天（北京时间）")
    facts: Annotated[dict[str, Any], AfterValidator(_bounded_facts)] | None = Field(
        default=None,
        description="此前已知的本人情况，如 contribution_months、birth_month、category；无法识别的值被忽略",
    )
    audience: Audience = Field(default="claimant", description="claimant：群众；operator：坐席")


class Computed(BaseModel):
    text: str = Field(description="按本人情况算出的一句话")
    citations: list[Citation]


class Candidate(BaseModel):
    topic: str
    score: float


class Suggestion(BaseModel):
    topic: str
    title: str = Field(description="条目标题，本身是一句问题：点选后原样发送即得该条答复")


class AnswerOut(BaseModel):
    reply: str = Field(description="可直接展示的答复：本人情况在前，答复居中，依据单列在最后")
    abstained: bool = Field(description="没有把握时为 true：答复说明不确定，给出12333、当地经办机构和转人工")
    topic: str | None = Field(description="所答条目编号；abstained 时为 null")
    title: str | None = Field(default=None, description="所答条目标题")
    confidence: float
    reason: str = Field(description="answered，或不作答的原因（off_topic、key_notion、coverage…）")
    region: RegionRef
    citations: list[Citation] = Field(description="答复所依据的全部条款；abstained 时为空")
    facts: dict[str, Any] = Field(description="从消息和已知情况中识别出的本人情况")
    computed: list[Computed]
    candidates: list[Candidate] = Field(description="检索排名前三的条目（供坐席台和评测）")
    suggestions: list[Suggestion] = Field(
        default_factory=list,
        description="abstained 且为相近条目间难以取舍时，可供对方点选的问题（最多两条）；否则为空",
    )
