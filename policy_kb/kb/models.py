"""Knowledge-base entries as stored in entries/*.yaml, and what a search returns.

An entry's answer is a list of statements; each statement either cites its
sources (document, clause, verbatim quote) or takes its facts from the rule base
through placeholders such as `{review.working_days}`, whose citations come from
the rule value. A regional variant replaces the whole answer for that region.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from policy_kb.citations import Citation

# {rule.key[.attribute…][:format][@region]}: e.g. {review.working_days},
# {benefit.amount.floor}, {duration.brackets:brackets}, {backpay.max_months@120000}.
PLACEHOLDER = re.compile(
    r"\{(?P<key>[a-z_]+\.[a-z_0-9]+)(?P<attrs>(?:\.[a-z_]+)*)(?::(?P<fmt>[a-z_]+))?(?:@(?P<region>CN|\d{6}))?\}"
)
REGION_CODE = re.compile(r"^(CN|\d{6})$")


class Statement(BaseModel):
    """One sentence or two of an answer, with where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=2)
    citations: list[Citation] = Field(default_factory=list)

    @property
    def rule_keys(self) -> list[str]:
        return [match.group("key") for match in PLACEHOLDER.finditer(self.text)]

    @model_validator(mode="after")
    def _sourced(self) -> Statement:
        if not self.citations and not self.rule_keys:
            raise ValueError(f"statement without a source: {self.text[:30]}…")
        stray = PLACEHOLDER.sub("", self.text)
        if "{" in stray or "}" in stray:
            raise ValueError(f"malformed placeholder in: {self.text[:40]}…")
        return self


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=2)
    audience: Literal["claimant", "employer", "any"] = "claimant"
    # Add a line computed from a figure in the question (see policy_kb.kb.personal).
    personalize: Literal["contribution_months"] | None = None
    questions: list[str] = Field(min_length=3)
    keywords: list[str] = Field(default_factory=list)
    # The situation the answer takes for granted ("领金期间"): a question naming none of these
    # words asks about the topic in general, and the entry does not answer it (see decide.py).
    assumes: list[str] = Field(default_factory=list)
    answer: list[Statement] = Field(min_length=1)
    variants: dict[str, list[Statement]] = Field(default_factory=dict)

    @field_validator("variants")
    @classmethod
    def _variant_regions(cls, value: dict[str, list[Statement]]) -> dict[str, list[Statement]]:
        for code, statements in value.items():
            if not REGION_CODE.match(code) or code == "CN":
                raise ValueError(f"variant key must be a region code other than CN: {code}")
            if not statements:
                raise ValueError(f"variant {code} is empty")
        return value

    def statements_for(self, region_code: str) -> tuple[list[Statement], bool]:
        """The statements for `region_code` and whether they are that region's own variant."""
        if region_code in self.variants:
            return self.variants[region_code], True
        return self.answer, False

    def all_statements(self) -> list[Statement]:
        return [*self.answer, *(s for statements in self.variants.values() for s in statements)]
