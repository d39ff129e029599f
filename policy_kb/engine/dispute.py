"""Disputed reason for leaving: where to apply and with what evidence (60号 五, 渝 一（一）, 内蒙古 五)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policy_kb.citations import Citation
from policy_kb.engine.context import Ctx
from policy_kb.rule_types import DisputeRoute


@dataclass(frozen=True)
class Route:
    message: str
    evidence: list[str]
    citations: list[Citation]
    details: dict[str, Any]


def dispute_route(ctx: Ctx) -> Route | None:
    rule = ctx.rule("dispute.route")
    if rule is None:
        return None
    route: DisputeRoute = rule.value
    parts = [f"可以向{route.where}申请重新认定离职原因，请准备：{'、'.join(route.evidence)}。"]
    if route.employer_route:
        parts.append(f"{route.employer_route}。")
    if route.stages:
        parts.append(f"审核实行{'、'.join(route.stages)}。")
    parts.append("经办机构核实后，符合条件的发放失业保险金。")
    details = {"where": route.where, "evidence": list(route.evidence), "stages": list(route.stages)}
    return Route("".join(parts), list(route.evidence), rule.citations, details)
