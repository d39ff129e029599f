from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from policy_kb import Citation


class RuleOut(BaseModel):
    key: str
    value: Any
    region_code: str  # the layer the value comes from
    effective_from: date
    effective_to: date | None
    replaces: str | None
    note: str | None
    citations: list[Citation]


class RulesInForce(BaseModel):
    region: dict[str, Any]
    on: date
    rule_base_version: str
    rules: list[RuleOut]
