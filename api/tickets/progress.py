"""Telling the claimant of progress on their own channel: created (number), answered, follow-up.

Messages go through the channels' outbound queue (api/channels/outbound.py,
`queue_message`): WeChat customer-service messages, the web chat's later
messages, or SMS through an approved template (TICKET_CREATED / TICKET_ANSWERED;
other texts are shortened into REPLY_POINTER by the queue). The answer is marked
as a staff member's (the chat page labels it 工作人员); the rating prompt that
follows it offers 满意/基本满意/不满意 as quick replies. Each message is sent
once per ticket, kind and round of 重办 (dedup key).

Where the outbound queue is not installed, SMS senders still get the two
templated messages through the SMS outbox (api.notify.send_sms); other channels
get nothing, and the ticket's events remain the record of the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from api.channels.sms.replies import POINTER_TEMPLATE
from api.notify import SmsProvider, send_sms
from api.tickets.deadlines import deadline_phrase
from api.tickets.models import Ticket

log = logging.getLogger(__name__)

Kind = Literal["created", "answered", "interim", "rate", "closed", "reopened"]
SMS_VAR_MAX = 20
_SMS_FORBIDDEN = str.maketrans("", "", "【】[]{}<>$#\\")
RATING_CHOICES = ["满意", "基本满意", "不满意"]
RATE_PROMPT = (
    "智能客服已回到对话，您可以继续问我；需要再找工作人员，回复“人工”。\n"
    "这次答复您满意吗？请回复：满意、基本满意或不满意。"
)
RATE_SMS_SUMMARY = "请回复满意、基本满意或不满意评价"


def _short(text: str, limit: int = SMS_VAR_MAX) -> str:
    text = " ".join(text.translate(_SMS_FORBIDDEN).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def respond_within(ticket: Ticket, now: datetime | None = None) -> str:
    """ "7个工作日内（3月23日前）", counted from `now` (default: when the ticket was received)."""
    return deadline_phrase(now or ticket.created_at, ticket.respond_by)


def _respond_date(ticket: Ticket) -> str:
    """The date alone, for the SMS template "我们将于${respond_by}前答复您" (same wording as the chat)."""
    phrase = respond_within(ticket)
    return phrase[phrase.index("（") + 1 : -2]


def interim_text(ticket: Ticket, text: str) -> str:
    """A staff member's message before the answer; says the answer is still to come."""
    return f"工作人员回复（工单号 {ticket.number}）：\n{text}\n（办理完成后我们会再答复您。）"


def message_text(ticket: Ticket, kind: Kind, now: datetime | None = None) -> str:
    thanks = "感谢您的评价。" if ticket.satisfaction_by == "claimant" else ""
    if kind == "created":
        return f"您的诉求已受理（工单号 {ticket.number}），工作人员会在{respond_within(ticket)}答复您。"
    if kind == "answered":
        return f"工作人员答复（工单号 {ticket.number}）：\n{ticket.answer or ''}"
    if kind == "rate":
        return RATE_PROMPT
    if kind == "reopened":
        return (
            f"{thanks}您的诉求（工单号 {ticket.number}）将重新办理，"
            f"工作人员会在{respond_within(ticket, now)}再次答复您。"
        )
    # The operator's 回访 thanks the claimant only for a rating they really gave.
    return f"{thanks}您的诉求（工单号 {ticket.number}）已办结。如有新的问题，欢迎随时咨询。"


def sms_template(ticket: Ticket, kind: Kind) -> tuple[str, dict[str, str]] | None:
    if kind == "created":
        return "TICKET_CREATED", {"number": ticket.number, "respond_by": _respond_date(ticket)}
    if kind == "answered":
        return "TICKET_ANSWERED", {"number": ticket.number, "summary": _short(ticket.answer or "")}
    if kind == "rate":
        return POINTER_TEMPLATE, {"summary": RATE_SMS_SUMMARY}
    return None  # no template of its own: the outbound queue shortens the text into REPLY_POINTER


def _outbound_queue() -> Callable[..., Any] | None:
    try:
        from api.channels.outbound import queue_message
    except ImportError:
        return None
    return queue_message


def tell_claimant(
    session: Session,
    *,
    ticket: Ticket,
    kind: Kind,
    sms: SmsProvider | None,
    now: datetime | None = None,
    text: str | None = None,
    dedup: str | None = None,
) -> bool:
    """Queue the progress message for the ticket's sender; False when it cannot be sent.

    `text` and `dedup` (a key of its own) for messages a ticket may carry many of (interim replies).
    """
    if not ticket.sender:
        return False
    dedup = dedup or f"ticket:{ticket.id}:{kind}:{ticket.reopened_count}"
    template = sms_template(ticket, kind)
    queue = _outbound_queue()
    if queue is not None:
        queue(
            session,
            sender=ticket.sender,
            text=text if text is not None else message_text(ticket, kind, now),
            sms_template=template[0] if template else None,
            sms_params=template[1] if template else None,
            dedup_key=dedup,
            author="staff" if kind in ("answered", "interim") else None,
            quick_replies=RATING_CHOICES if kind == "rate" else None,
        )
        return True
    channel, _, address = ticket.sender.partition(":")
    if channel != "sms" or sms is None or template is None:
        log.info("ticket %s: no outbound channel for %s (%s)", ticket.number, channel, kind)
        return False
    send_sms(session, sms, phone=address, template_code=template[0], params=template[1], dedup_key=dedup)
    return True
