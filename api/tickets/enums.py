"""Ticket vocabularies: category, urgency, status and the actions that move a ticket (channels: api.vocab)."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    consultation = "consultation"
    complaint = "complaint"
    suggestion = "suggestion"
    help = "help"
    cannot_get_done = "cannot_get_done"


class Urgency(StrEnum):
    normal = "normal"
    urgent = "urgent"


class TicketStatus(StrEnum):
    received = "received"  # 已受理，待签收
    accepted = "accepted"  # 已签收
    in_progress = "in_progress"  # 办理中
    resolved = "resolved"  # 已答复，待回访
    closed = "closed"  # 已办结（回访完成）
    reopened = "reopened"  # 重办


class TicketAction(StrEnum):
    create = "create"
    accept = "accept"
    start = "start"
    resolve = "resolve"
    close = "close"
    reopen = "reopen"
    transfer = "transfer"
    request_extension = "request_extension"
    grant_extension = "grant_extension"
    deny_extension = "deny_extension"
    remind = "remind"
    mark_overdue = "mark_overdue"
    note = "note"
    claimant_message = "claimant_message"
    release_conversation = "release_conversation"
    claimant_rating = "claimant_rating"  # 好差评 given by the claimant in the chat
    interim_reply = "interim_reply"  # staff writes to the claimant before the answer (进展告知)


class Satisfaction(StrEnum):
    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    unsatisfied = "unsatisfied"


CATEGORY_LABELS: dict[str, str] = {
    "consultation": "咨询",
    "complaint": "投诉",
    "suggestion": "建议",
    "help": "求助",
    "cannot_get_done": "办不成事",
}
URGENCY_LABELS: dict[str, str] = {"normal": "一般", "urgent": "紧急"}
CHANNEL_LABELS: dict[str, str] = {
    "hotline": "12333热线",
    "web": "网页",
    "wechat": "微信",
    "sms": "短信",
    "counter": "窗口",
    "other": "其他",
}
STATUS_LABELS: dict[str, str] = {
    "received": "待签收",
    "accepted": "已签收",
    "in_progress": "办理中",
    "resolved": "已答复待回访",
    "closed": "已办结",
    "reopened": "重办",
}
ACTION_LABELS: dict[str, str] = {
    "create": "受理",
    "accept": "签收",
    "start": "开始办理",
    "resolve": "答复",
    "close": "回访办结",
    "reopen": "回访不满意重办",
    "transfer": "转办",
    "request_extension": "申请延期",
    "grant_extension": "批准延期",
    "deny_extension": "驳回延期",
    "remind": "催办",
    "mark_overdue": "标记超期",
    "note": "备注",
    "claimant_message": "诉求人留言",
    "release_conversation": "交还智能客服",
    "claimant_rating": "诉求人评价",
    "interim_reply": "回复诉求人",
}
SATISFACTION_LABELS: dict[str, str] = {
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "unsatisfied": "不满意",
}
