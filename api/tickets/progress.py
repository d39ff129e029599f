"""Telling the claimant of progress on their own channel: created (number), answered, follow-up.

Messages go through the channels' outbound queue (api/channels/outbound.py,
`queue_message`): WeChat customer-service messages, the web chat's later
messages, or SMS through an approved template (TICKET_CREATED / TICKET_ANSWERED;
other texts are shortened into REPLY_POINTER by the queue). Each message is sent
once per ticket, kind and round of 重办 (dedup key).

Where the outbound queue is not installed, SMS senders still get the two
templated messages through the SMS outbox (api.notify.send_sms); other channels
get nothing, and the ticket's events remain the record of the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

from sqlalchemy.orm import Session

from api.notify import SmsProvider, send_sms
from api.tickets.deadlines import SHANGHAI
from api.tickets.models import Ticket

log = logging.getLogger(__name__)

Kind = Literal["created", "answered", "closed", "reopened"]
SMS_VAR_MAX = 20
_SMS_FORBIDDEN = str.maketrans("", "", "【】[]{}<>$#\\")


def _short(text: str, limit: int = SMS_VAR_MAX) -> str:
    text = " ".join(text.translate(_SMS_FORBIDDEN).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def message_text(ticket: Ticket, kind: Kind) -> str:
    respond_by = ticket.respond_by.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    if kind == "created":
        return f"您的诉求已受理，工单号 {ticket.number}，我们将于{respond_by}前答复您。"
    if kind == "answered":
        return f"您的诉求（工单号 {ticket.number}）已有答复：{ticket.answer or ''}"
    if kind == "reopened":
        return f"感谢您的回访评价。您的诉求（工单号 {ticket.number}）将重新办理，我们会尽快再次答复您。"
    return f"感谢您的回访评价，您的诉求（工单号 {ticket.number}）已办结。如有新的问题，欢迎随时咨询。"


def sms_template(ticket: Ticket, kind: Kind) -> tuple[str, dict[str, str]] | None:
    if kind == "created":
        respond_by = ticket.respond_by.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        return "TICKET_CREATED", {"number": ticket.number, "respond_by": respond_by}
    if kind == "answered":
        return "TICKET_ANSWERED", {"number": ticket.number, "summary": _short(ticket.answer or "")}
    return None  # no template of its own: the outbound queue shortens the text into REPLY_POINTER


def _outbound_queue() -> Callable[..., Any] | None:
    try:
        from api.channels.outbound import queue_message
    except ImportError:
        return None
    return queue_message


def tell_claimant(session: Session, *, ticket: Ticket, kind: Kind, sms: SmsProvider | None) -> bool:
    """Queue the progress message for the ticket's sender; False when it cannot be sent."""
    if not ticket.sender:
        return False
    dedup = f"ticket:{ticket.id}:{kind}:{ticket.reopened_count}"
    template = sms_template(ticket, kind)
    queue = _outbound_queue()
    if queue is not None:
        queue(
            session,
            sender=ticket.sender,
            text=message_text(ticket, kind),
            sms_template=template[0] if template else None,
            sms_params=template[1] if template else None,
            dedup_key=dedup,
        )
        return True
    channel, _, address = ticket.sender.partition(":")
    if channel != "sms" or sms is None or template is None:
        log.info("ticket %s: no outbound channel for %s (%s)", ticket.number, channel, kind)
        return False
    send_sms(session, sms, phone=address, template_code=template[0], params=template[1], dedup_key=dedup)
    return True
