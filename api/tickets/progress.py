"""Telling the claimant of progress on their own channel: created (number), answered, follow-up.

NOTE: the channels' outbound queue (api/channels/outbound.py, `queue_message`) is
the one way to reach a claimant on WeChat or the web. Until it exists only
SMS senders ("sms:<phone>") are reached, through the SMS outbox with the approved
TICKET_CREATED / TICKET_ANSWERED templates; other channels get nothing (the
ticket event still records the answer).
"""

from __future__ import annotations

import logging
from typing import Literal

from sqlalchemy.orm import Session

from api.notify import SmsProvider, send_sms
from api.tickets.deadlines import SHANGHAI
from api.tickets.models import Ticket

log = logging.getLogger(__name__)

Kind = Literal["created", "answered", "closed", "reopened"]
SMS_VAR_MAX = 20


def _short(text: str, limit: int = SMS_VAR_MAX) -> str:
    text = " ".join(text.split())
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


def _sms(ticket: Ticket, kind: Kind) -> tuple[str, dict[str, str]] | None:
    if kind == "created":
        respond_by = ticket.respond_by.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        return "TICKET_CREATED", {"number": ticket.number, "respond_by": respond_by}
    if kind == "answered":
        return "TICKET_ANSWERED", {"number": ticket.number, "summary": _short(ticket.answer or "")}
    return None  # no approved SMS template for follow-up results


def tell_claimant(session: Session, *, ticket: Ticket, kind: Kind, sms: SmsProvider | None) -> bool:
    """Queue the progress message for the ticket's sender; False when it cannot be delivered."""
    sender = ticket.sender
    if not sender:
        return False
    channel, _, address = sender.partition(":")
    if channel != "sms" or sms is None:
        log.info("ticket %s: no outbound channel for %s yet (%s)", ticket.number, channel, kind)
        return False
    template = _sms(ticket, kind)
    if template is None:
        return False
    code, params = template
    dedup = f"ticket:{ticket.id}:{kind}:{ticket.reopened_count}"
    send_sms(session, sms, phone=address, template_code=code, params=params, dedup_key=dedup)
    return True
