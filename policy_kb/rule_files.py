"""Pydantic models of one rule file (``policy_kb/rules/<code>.yaml``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policy_kb.citations import Citation


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ValueWindow(_Strict):
    """One value of a rule and the dates it is in force (both ends inclusive)."""

    effective_from: date
    effective_to: date | None = None
    value: Any
    citations: list[Citation] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> ValueWindow:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError(f"effective_to {self.effective_to} is before effective_from {self.effective_from}")
        return self


class RuleEntry(_Strict):
    """A rule key in one layer. `replaces` names the ancestor rule it overrides: ``CN:review.working_days``."""

    replaces: str | None = None
    values: list[ValueWindow] = Field(min_length=1)


class DocumentInForce(_Strict):
    document: str
    effective_from: date
    effective_to: date | None = None
    note: str | None = None


class RuleFile(_Strict):
    code: str = Field(pattern=r"^(CN|\d{6})$")
    name: str
    parent: str | None = None
    documents: list[DocumentInForce] = []
    rules: dict[str, RuleEntry] = {}
