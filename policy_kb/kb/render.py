"""Render an entry's answer for a region and a date from the rule base.

Placeholders (`{review.working_days}`) take the value in force for the region on
the date, and the rule value's citations join the statement's own. Dates decide
what may be said:

- a regional variant is used only while its own layer has a notice in force and every
  document it cites (directly or through a placeholder's rule) is in force; outside
  those dates the national answer applies, so a region's rule is never told before it
  starts or after it ends;
- a statement (national or regional) that cites a document not yet or no longer in
  force is left out; an answer left with nothing to say is a RenderError.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from policy_kb.citations import Citation
from policy_kb.kb.models import PLACEHOLDER, Entry, Statement
from policy_kb.rule_types import Bracket, StopEvents, Window
from policy_kb.rulebase import NATIONAL, RuleBase, RuleNotFound
from policy_kb.vocab import BENEFIT_NAMES_ZH, EVENT_NAMES_ZH, BenefitKind, EventType


class RenderError(ValueError):
    """A placeholder has no usable value for this region and date."""


@dataclass(frozen=True)
class Rendered:
    text: str
    citations: list[Citation]
    variant_region: str | None  # the region whose own variant was used, None for the national answer


def select_statements(
    entry: Entry, *, rule_base: RuleBase, region_code: str, on: date
) -> tuple[list[Statement], str | None]:
    """The region's own variant (nearest layer first) if its documents are in force, else the national answer."""
    return _candidates(entry, rule_base=rule_base, region_code=region_code, on=on)[0]


def _candidates(
    entry: Entry, *, rule_base: RuleBase, region_code: str, on: date
) -> list[tuple[list[Statement], str | None]]:
    out: list[tuple[list[Statement], str | None]] = []
    if region_code != NATIONAL:
        for layer in rule_base.chain(region_code):
            statements = entry.variants.get(layer.code)
            if statements is not None and _layer_in_force(rule_base, layer.code, on):
                out.append((statements, layer.code))
                break
    out.append((entry.answer, None))
    return out


def _layer_in_force(rule_base: RuleBase, layer_code: str, on: date) -> bool:
    """Whether the layer has a notice of its own in force on `on` (its variant speaks for it then)."""
    own = rule_base.layer(layer_code).documents
    return any(doc.effective_from <= on and (doc.effective_to is None or on <= doc.effective_to) for doc in own)


def _out_of_force(citations: list[Citation], *, rule_base: RuleBase, region_code: str, on: date) -> list[str]:
    """Cited documents that the region's layers list but that are not in force on `on`."""
    listed = {doc.document for doc in rule_base.documents_in_force(region_code)}
    current = {doc.document for doc in rule_base.documents_in_force(region_code, on)}
    return [c.document for c in citations if c.document in listed and c.document not in current]


def render_entry(entry: Entry, *, rule_base: RuleBase, region_code: str, on: date) -> Rendered:
    """The region's variant, or the national answer when the variant's rules are not in force on `on`."""
    candidates = _candidates(entry, rule_base=rule_base, region_code=region_code, on=on)
    for statements, variant in candidates[:-1]:
        try:
            return _render(entry, statements, variant, rule_base=rule_base, region_code=region_code, on=on)
        except RenderError:
            continue  # e.g. a variant built on rules whose dates have passed
    statements, variant = candidates[-1]
    return _render(entry, statements, variant, rule_base=rule_base, region_code=region_code, on=on)


def _render(
    entry: Entry,
    statements: list[Statement],
    variant: str | None,
    *,
    rule_base: RuleBase,
    region_code: str,
    on: date,
) -> Rendered:
    texts: list[str] = []
    citations: list[Citation] = []
    for statement in statements:
        try:
            text, cited = render_statement(statement, rule_base=rule_base, region_code=region_code, on=on)
        except RenderError:
            if not _names_other_region(statement):
                raise
            continue  # an example from another region whose rule is not in force on this date
        stale = _out_of_force(cited, rule_base=rule_base, region_code=region_code, on=on)
        if stale:
            if variant is not None:
                raise RenderError(f"{entry.id}: variant {variant} cites {stale[0]}, not in force on {on}")
            continue  # a national statement resting on a text not (yet) in force on this date
        texts.append(text)
        for citation in cited:
            if citation not in citations:
                citations.append(citation)
    if not texts:
        raise RenderError(f"{entry.id}: nothing to say for {region_code} on {on}")
    return Rendered(text="".join(texts), citations=citations, variant_region=variant)


def _names_other_region(statement: Statement) -> bool:
    return any(match.group("region") for match in PLACEHOLDER.finditer(statement.text))


def render_statement(
    statement: Statement, *, rule_base: RuleBase, region_code: str, on: date
) -> tuple[str, list[Citation]]:
    citations: list[Citation] = list(statement.citations)
    out: list[str] = []
    position = 0
    for match in PLACEHOLDER.finditer(statement.text):
        out.append(statement.text[position : match.start()])
        position = match.end()
        key = match.group("key")
        region = match.group("region") or region_code
        try:
            rule = rule_base.value(region, key, on)
        except RuleNotFound as exc:
            raise RenderError(f"{key} has no value for {region} on {on}") from exc
        value: object = rule.value
        for attribute in filter(None, (match.group("attrs") or "").split(".")):
            value = _attribute(value, attribute, key)
        out.append(format_value(value, match.group("fmt"), key=key))
        citations.extend(c for c in rule.citations if c not in citations)
    out.append(statement.text[position:])
    return "".join(out), citations


def _attribute(value: object, attribute: str, key: str) -> object:
    if isinstance(value, dict):
        if attribute not in value:
            raise RenderError(f"{key}: no {attribute!r}")
        return value[attribute]
    if not hasattr(value, attribute):
        raise RenderError(f"{key}: no {attribute!r}")
    return getattr(value, attribute)


def format_value(value: object, fmt: str | None, *, key: str = "") -> str:
    """A rule value as it reads in a Chinese sentence."""
    if fmt == "brackets":
        return _brackets(value, key)
    if fmt == "window":
        if not isinstance(value, Window):
            raise RenderError(f"{key}: not a window")
        return f"每月{value.start_day}日至{value.end_day}日"
    if fmt == "years":
        if not isinstance(value, int) or isinstance(value, bool):
            raise RenderError(f"{key}: not a number of months")
        return f"{value // 12}年" if value % 12 == 0 else f"{value}个月"
    if fmt == "or":
        if not isinstance(value, list):
            raise RenderError(f"{key}: not a list")
        return "或".join(format_value(item, None, key=key) for item in value)
    if fmt is not None:
        raise RenderError(f"{key}: unknown format {fmt!r}")
    if value is None or isinstance(value, bool):
        raise RenderError(f"{key}: no value to show ({value!r})")
    if isinstance(value, BenefitKind):
        return BENEFIT_NAMES_ZH[value]
    if isinstance(value, EventType):
        return EVENT_NAMES_ZH[value]
    if isinstance(value, Enum):
        raise RenderError(f"{key}: no Chinese name for {value!r}")
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, list):
        return "、".join(format_value(item, None, key=key) for item in value)
    if isinstance(value, StopEvents):
        return "、".join(EVENT_NAMES_ZH[event] for event in value.events)
    raise RenderError(f"{key}: cannot show a {type(value).__name__}")


def _years(months: int) -> str:
    return f"{months // 12}年" if months % 12 == 0 else f"{months}个月"


def _brackets(value: object, key: str) -> str:
    if not isinstance(value, list) or not value or not all(isinstance(b, Bracket) for b in value):
        raise RenderError(f"{key}: not a list of brackets")
    brackets = sorted(value, key=lambda b: b.min_months)
    parts: list[str] = []
    for i, bracket in enumerate(brackets):
        low = _years(bracket.min_months)
        last = i + 1 == len(brackets)
        span = f"满{low}及以上" if last else f"满{low}不满{_years(brackets[i + 1].min_months)}"
        parts.append(f"{span}的，最长{bracket.months}个月")
    return "累计缴费" + "；".join(parts)
