"""Audit-trail actors ("staff:op1", "integration:token-dev-", "claimant:web:…") as staff read them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.staff.models import StaffAccount
from api.tickets.enums import CHANNEL_LABELS

SYSTEM_LABELS = {"scheduler": "定时任务", "seed": "初始化"}


def staff_names(session: Session, actors: Iterable[str]) -> dict[str, str]:
    """Display names of the staff accounts among `actors`, by username."""
    usernames = {a.partition(":")[2] for a in actors if a.startswith("staff:")}
    if not usernames:
        return {}
    rows = session.execute(
        select(StaffAccount.username, StaffAccount.display_name).where(StaffAccount.username.in_(usernames))
    )
    return {u: d for u, d in rows}


def actor_label(actor: str, names: dict[str, str] | None = None) -> str:
    kind, _, name = actor.partition(":")
    if kind == "staff" and name:
        shown = (names or {}).get(name)
        return f"{shown}（{name}）" if shown else f"工作人员 {name}"
    if kind in ("integration", "dialogue") and name.startswith("token-"):
        who = "对接系统" if kind == "integration" else "智能客服"
        return f"{who}（令牌 {name.removeprefix('token-')}…）"
    if kind == "claimant":
        channel = name.partition(":")[0]
        return f"诉求人（{CHANNEL_LABELS.get(channel, channel)}）" if channel else "诉求人"
    if kind == "system":
        return f"系统（{SYSTEM_LABELS.get(name, name)}）"
    return actor
