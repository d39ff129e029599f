"""Response schemas of /v1/regions and /v1/rules/{region} (the eligibility decision is policy_kb's own)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from policy_kb import Citation


class DocumentOut(BaseModel):
    document: str
    title: str
    effective_from: date
    effective_to: date | None
    note: str | None = None


class RegionSet(BaseModel):
    code: str
    name: str
    parent: str | None
    documents: list[DocumentOut]  # this layer's own documents
    inherits: list[str]  # codes of the layers it falls back to, nearest first


class RegionList(BaseModel):
    regions: list[RegionSet]
    rule_base_version: str
    note: str


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
