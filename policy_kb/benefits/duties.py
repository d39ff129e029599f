"""A claim's rules (monthly duty, back-pay, stop events) from the rule base, by region and month or date.

Nothing here holds a number: every value comes from the rule base for the claim's
region and the month (or date) concerned, with its citations. Regions whose
notices set no monthly duty follow the configured default
(``CLAIMS_DEFAULT_MONTHLY_REGION``): empty means no duty, a region code means
that region's monthly rules apply, and answers say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from policy_kb.benefits.ledger import MonthRules, RulesFor, first_day
from policy_kb.citations import Citation
from policy_kb.rulebase import RuleBase, RuleValue

MONTHLY_KEYS = (
    "monthly.duty",
    "monthly.window",
    "monthly.missed_month_lost",
    "monthly.medical_suspend_after_missed",
    "monthly.payment_suspend_after_missed",
    "monthly.suspension_keeps_months",
    "monthly.resume",
)
BACKPAY_KEYS = ("backpay.max_months", "backpay.places", "backpay.within_benefit_period")


def dedupe(citations: list[Citation]) -> list[Citation]:
    seen: set[tuple[str, str, str]] = set()
    out: list[Citation] = []
    for c in citations:
        key = (c.document, c.clause, c.quote)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


@dataclass(frozen=True)
class MonthPolicy:
    rules: MonthRules
    citations: dict[str, list[Citation]]
    source_region: str  # the region whose monthly rules apply
    by_default: bool  # the claim's region sets no duty; the configured default applies
    duty_note: str | None = None  # the rule base's note on a "none" duty

    def cite(self, *keys: str) -> list[Citation]:
        return dedupe([c for k in keys for c in self.citations.get(k, [])])


@dataclass(frozen=True)
class BackpayPolicy:
    max_months: int | None  # None: the region has no 补发
    places: list[str]
    within_benefit_period: bool
    citations: list[Citation]
    note: str | None


@dataclass(frozen=True)
class StopPolicy:
    events: frozenset[str]
    stops_from: str  # "event_month" | "next_month"
    citations: list[Citation]
    report_within_working_days: int | None
    report_citations: list[Citation]
    pension_excluded: bool  # basic pension is among the non-concurrent benefits
    pension_citations: list[Citation]

    def citations_for(self, answers: list[str]) -> list[Citation]:
        """The rules a stop report rests on: the stop events, or the non-concurrent pension, and the report duty."""
        cited: list[Citation] = []
        for answer in answers:
            pension = answer == "receiving_pension" and self.pension_excluded
            cited += self.pension_citations if pension else self.citations
        return dedupe(cited + self.report_citations)


@dataclass
class ClaimsPolicy:
    """Cached rule look-ups shared by every claim of a request or a job run."""

    rule_base: RuleBase
    default_region: str | None = None
    _months: dict[tuple[str, int], MonthPolicy] = field(default_factory=dict)

    def _get(self, region: str, key: str, on: date) -> RuleValue | None:
        return self.rule_base.get(region, key, on)

    def month(self, region: str, index: int) -> MonthPolicy:
        cached = self._months.get((region, index))
        if cached is None:
            cached = self._months[(region, index)] = self._month(region, index)
        return cached

    def rules_for(self, region: str) -> RulesFor:
        return lambda index: self.month(region, index).rules

    def _month(self, region: str, index: int) -> MonthPolicy:
        on = first_day(index)
        own = self._get(region, "monthly.duty", on)
        source, by_default = region, False
        note = own.note if own is not None else None
        if (own is None or own.value == "none") and self.default_region and self.default_region != region:
            default = self._get(self.default_region, "monthly.duty", on)
            if default is not None and default.value != "none":
                source, by_default = self.default_region, True
        values = {key: self._get(source, key, on) for key in MONTHLY_KEYS}
        if by_default and own is not None:
            values["monthly.duty.region"] = own
        duty: str = values["monthly.duty"].value if values["monthly.duty"] is not None else "none"
        window = _value(values["monthly.window"])
        rules = MonthRules(
            duty=duty,
            window_start_day=window.start_day if window is not None else 1,
            window_end_day=window.end_day if window is not None else None,
            missed_month_lost=bool(_value(values["monthly.missed_month_lost"])),
            medical_suspend_after=_value(values["monthly.medical_suspend_after_missed"]),
            payment_suspend_after=_value(values["monthly.payment_suspend_after_missed"]),
            keeps_months=bool(_value(values["monthly.suspension_keeps_months"])),
        )
        citations = {k: list(v.citations) for k, v in values.items() if v is not None}
        return MonthPolicy(rules, citations, source, by_default, note)

    def backpay(self, region: str, month_index: int) -> BackpayPolicy:
        """The back-pay rules of the region (or the default region when it sets no duty)."""
        source = self.month(region, month_index).source_region
        on = first_day(month_index)
        max_months = self._get(source, "backpay.max_months", on)
        places = self._get(source, "backpay.places", on)
        within = self._get(source, "backpay.within_benefit_period", on)
        found = [v for v in (max_months, places, within) if v is not None]
        return BackpayPolicy(
            max_months=max_months.value if max_months is not None else None,
            places=list(places.value) if places is not None else [],
            within_benefit_period=bool(within.value) if within is not None else True,
            citations=dedupe([c for v in found for c in v.citations]),
            note=max_months.note if max_months is not None else None,
        )

    def stop(self, region: str, on: date) -> StopPolicy:
        events = self._get(region, "stop.events", on)
        report = self._get(region, "stop.report_within_working_days", on)
        noncurrent = self._get(region, "noncurrent.benefits", on)
        pension = noncurrent is not None and "basic_pension" in [str(b) for b in noncurrent.value]
        return StopPolicy(
            events=frozenset(str(e) for e in events.value.events) if events is not None else frozenset(),
            stops_from=str(events.value.stops_from) if events is not None else "event_month",
            citations=list(events.citations) if events is not None else [],
            report_within_working_days=report.value if report is not None else None,
            report_citations=list(report.citations) if report is not None else [],
            pension_excluded=pension,
            pension_citations=list(noncurrent.citations) if noncurrent is not None and pension else [],
        )


def _value(rule: RuleValue | None) -> Any:
    return rule.value if rule is not None else None
