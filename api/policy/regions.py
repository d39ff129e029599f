"""Regions: resolving the code or name a caller gives, and listing the rule sets (layers).

`resolve_region` is the one place api/ turns a region text into its rule layer; every domain that
accepts a region (eligibility, rules, answers, kb, claims, tickets) calls it, so an unknown one is
the same 422 everywhere.
"""

from __future__ import annotations

from api.policy.errors import EmptyRegion, UnknownRegion
from api.policy.schemas import DocumentOut, RegionList, RegionSet
from policy_kb import ResolvedRegion, RuleBase, UnknownRegionError
from policy_kb import resolve_region as kb_resolve_region
from policy_kb.regions import FALLBACK_NOTE
from policy_kb.schemas import Region


def resolve_region(*, region: str, rule_base: RuleBase | None = None, field: str = "region") -> ResolvedRegion:
    """The rule layer for a region code or name; an unknown one is a 422 naming `field`.

    `rule_base`: resolve against its layers (None: the layers of the rule files on disk, the same
    set unless a test loads a rule base of its own).
    """
    layers = rule_base.region_codes if rule_base is not None else None
    try:
        return kb_resolve_region(region, layers)
    except UnknownRegionError as exc:
        raise UnknownRegion(exc, field=field) from exc


def given_region(*, region: str | None) -> ResolvedRegion | None:
    """An optional `region` parameter: None when not given; given but blank is a 422, not a national answer."""
    if region is None:
        return None
    if not region.strip():
        raise EmptyRegion()
    return resolve_region(region=region.strip())


def place_named(*, region: str) -> Region:
    """The place the text names (沈阳市 210100), not only the rule layer it falls under (辽宁省):
    what a ticket keeps, so the owning unit knows where the claimant is."""
    found = resolve_region(region=region.strip())
    return Region(code=found.matched_code, name=found.matched_name)


def list_regions(*, rule_base: RuleBase) -> RegionList:
    sets = []
    for code in sorted(rule_base.region_codes, key=lambda c: (c != "CN", c)):
        layer = rule_base.layer(code)
        docs = [
            DocumentOut(
                document=d.document,
                title=rule_base.document(d.document).title,
                effective_from=d.effective_from,
                effective_to=d.effective_to,
                note=d.note,
            )
            for d in layer.documents
        ]
        inherits = [a.code for a in rule_base.chain(code)[1:]]
        sets.append(RegionSet(code=code, name=layer.name, parent=layer.parent, documents=docs, inherits=inherits))
    return RegionList(
        regions=sets,
        rule_base_version=rule_base.version,
        note=f"其他地区（例如广东省）按国家规定（CN）答复，{FALLBACK_NOTE}。地区也可以用中文名称、简称或下级行政区划代码表示。",
    )
