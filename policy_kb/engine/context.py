"""What every rule function receives: the request, its region and the rule base, plus the findings so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from policy_kb.citations import Citation
from policy_kb.regions import ResolvedRegion
from policy_kb.retirement import Retirement
from policy_kb.rulebase import RuleBase, RuleValue
from policy_kb.schemas import EligibilityRequest, Flag, NextStep, Reason

Outcome = Literal["pass", "fail", "pending", "info"]


@dataclass
class Ctx:
    rules: RuleBase
    req: EligibilityRequest
    region: ResolvedRegion
    retirement: Retirement | None = None
    reasons: list[Reason] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    steps: list[NextStep] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    on: date = field(init=False)  # the application date: the date most rules are about

    def __post_init__(self) -> None:
        self.on = self.req.application_date

    def rule(self, key: str, on: date | None = None) -> RuleValue | None:
        """The rule in force for this region on `on` (default: the application date), or None."""
        return self.rules.get(self.region.code, key, on or self.on)

    def reason(
        self,
        code: str,
        outcome: Outcome,
        message: str,
        citations: list[Citation],
        details: dict[str, Any] | None = None,
    ) -> None:
        self.reasons.append(Reason(code=code, outcome=outcome, message=message, citations=citations, details=details))

    def flag(
        self,
        code: str,
        message: str,
        citations: list[Citation],
        *,
        review: bool = True,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.flags.append(
            Flag(
                code=code, effect="review" if review else "info", message=message, citations=citations, details=details
            )
        )

    def step(self, code: str, message: str, citations: list[Citation]) -> None:
        self.steps.append(NextStep(code=code, message=message, citations=citations))

    def need(self, *facts: str) -> None:
        self.missing.extend(f for f in facts if f not in self.missing)

    def cannot_check(self, *facts: str) -> None:
        self.unchecked.extend(f for f in facts if f not in self.unchecked)

    def add_documents(self, docs: list[str]) -> None:
        self.documents.extend(d for d in docs if d not in self.documents)

    def failed(self) -> bool:
        return any(r.outcome == "fail" for r in self.reasons)
