"""The rule sets (layers) of the rule base, with their documents and dates."""

from __future__ import annotations

from api.regions.schemas import DocumentOut, RegionList, RegionSet
from policy_kb import RuleBase
from policy_kb.regions import FALLBACK_NOTE


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
