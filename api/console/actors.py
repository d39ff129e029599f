"""Audit-trail actors ("staff:op1", "integration:token-dev-", "claimant:web:…") and actions
("ticket.accept", "console.claim_view") as staff read them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from api.staff import service as staff_service
from api.tickets.enums import ACTION_LABELS, CHANNEL_LABELS
from api.vocab import ChannelKind

SYSTEM_LABELS = {"scheduler": "定时任务", "seed": "初始化"}
# The audited actions by their code; ticket.<action> reads as the ticket step (api/tickets/enums.py).
AUDIT_ACTIONS = {
    "console.audit_view": "查看审计日志",
    "console.audit_export": "导出审计日志",
    "console.claim_lookup": "查询待遇记录",
    "console.claim_view": "查看待遇记录",
    "console.caller_verified": "记录来电人身份核实",
    "console.ticket_search": "查询工单",
    "console.conversation_view": "查看会话记录",
    "staff.login": "登录",
    "staff.logout": "退出登录",
    "staff.login_failed": "登录失败",
    "staff.login_refused_demo_password": "拒绝演示密码登录",
    "staff.create": "创建工作人员账号",
    "staff.set_roles": "调整岗位",
    "staff.activate": "启用账号",
    "staff.deactivate": "停用账号",
    "staff.change_password": "修改密码",
    "claim.create": "建立待遇记录",
    "claim.checkin": "按月办理",
    "claim.stop": "停发",
    "claim.status_change": "待遇状态变更",
    "claim.backpay_request": "补发申请",
    "claim.backpay_decision": "补发审核",
    "claimant.phone_change": "变更预留手机号",
    "identity.bound": "身份核验通过",
    "handoff.release": "会话交还智能客服",
}


def staff_names(session: Session, actors: Iterable[str]) -> dict[str, str]:
    """Display names of the staff accounts among `actors`, by username."""
    usernames = {a.partition(":")[2] for a in actors if a.startswith("staff:")}
    return staff_service.display_names(session, usernames=usernames)


def actor_label(actor: str, names: dict[str, str] | None = None, systems: dict[str, str] | None = None) -> str:
    """`names`: staff display names by username; `systems`: integration names by token prefix
    (the INTEGRATION_NAMES setting)."""
    kind, _, name = actor.partition(":")
    if kind == "staff" and name:
        shown = (names or {}).get(name)
        return f"{shown}（{name}）" if shown else f"工作人员 {name}"
    if kind == "integration" and name.startswith("token-") and (system := (systems or {}).get(name[6:])):
        return f"{system}（对接系统）"
    if kind in ("integration", "dialogue") and name.startswith("token-"):
        who = "对接系统" if kind == "integration" else "智能客服"
        return f"{who}（令牌 {name.removeprefix('token-')}…）"
    if kind == "claimant":
        channel = name.partition(":")[0]
        # Identity records the sender's prefix ("wx"), tickets the channel's name ("wechat").
        if channel in ChannelKind._value2member_map_:
            channel = ChannelKind(channel).channel.value
        return f"诉求人（{CHANNEL_LABELS.get(channel, channel)}）" if channel else "诉求人"
    if kind == "system":
        return f"系统（{SYSTEM_LABELS.get(name, name)}）"
    return actor


def action_label(action: str) -> str:
    if action in AUDIT_ACTIONS:
        return AUDIT_ACTIONS[action]
    kind, _, rest = action.partition(".")
    if kind == "ticket" and rest in ACTION_LABELS:
        return f"工单{ACTION_LABELS[rest]}"
    if kind == "claim" and rest.startswith("read."):
        return f"读取待遇记录（{rest.removeprefix('read.')}）"
    return action
