"""One status from the findings.

Precedence: a definite stop (stop event, non-concurrent benefit) → ``stopped``; any other
failed condition → ``ineligible`` (no missing fact could change it); required facts missing
→ ``needs_info``; only 失业登记 missing → ``pending_registration``; a high-risk check →
``needs_review``; otherwise ``eligible``.
"""

from __future__ import annotations

from policy_kb.engine.context import Ctx
from policy_kb.schemas import Status

STOP_CODES = frozenset({"STOP_EVENT", "NON_CONCURRENT_BENEFIT"})


def decide_status(ctx: Ctx) -> Status:
    failed = {r.code for r in ctx.reasons if r.outcome == "fail"}
    if failed & STOP_CODES:
        return "stopped"
    if failed:
        return "ineligible"
    if ctx.missing:
        return "needs_info"
    if any(r.outcome == "pending" for r in ctx.reasons):
        return "pending_registration"
    if any(f.effect == "review" for f in ctx.flags):
        return "needs_review"
    return "eligible"
