from __future__ import annotations

from datetime import date

from pydantic import BaseModel


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
