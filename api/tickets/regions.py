"""Region of a ticket: a GB/T 2260 code or a Chinese name, resolved by policy_kb like everywhere else.

A ticket keeps the place the claimant named (沈阳市 210100), not only the rule layer
it falls under (辽宁省), so the owning unit knows where the claimant is.
"""

from __future__ import annotations

from api.regions.errors import UnknownRegion
from policy_kb import UnknownRegionError
from policy_kb import resolve_region as kb_resolve_region
from policy_kb.schemas import Region


def resolve_region(text: str) -> Region:
    """Resolve a code or a name; an unknown one is a 422 naming the field `region`."""
    try:
        found = kb_resolve_region(text.strip())
    except UnknownRegionError as exc:
        raise UnknownRegion(exc) from exc
    return Region(code=found.matched_code, name=found.matched_name)
