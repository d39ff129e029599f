"""Sending SMS through a provider, exactly once per purpose (dedup_key)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.notify.models import SmsMessage
from api.notify.templates import get_template
from api.privacy import mask_phone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    """What a provider said. status: recorded (development outbox), sent (accepted; a delivery
    receipt follows), retry, failed or alert (see api.notify.providers)."""

    status: str
    provider_message_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None


class SmsProvider(Protocol):
    @property
    def name(self) -> str: ...

    def send(self, *, phone: str, template_code: str, params: dict[str, str], text: str) -> SendResult: ...


class OutboxProvider:
    """Development provider: sends nothing; the outbox row is the record of what would go out."""

    name = "outbox"

    def send(self, *, phone: str, template_code: str, params: dict[str, str], text: str) -> SendResult:
        return SendResult(status="recorded")


def send_sms(
    session: Session,
    provider: SmsProvider,
    *,
    phone: str,
    template_code: str,
    params: dict[str, str],
    dedup_key: str,
) -> SmsMessage | None:
    """Send one templated SMS; returns None when this dedup_key was already sent."""
    template = get_template(template_code)
    text = template.render(params)
    message = SmsMessage(phone=phone, template_code=template_code, params=params, text=text, dedup_key=dedup_key)
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:
        log.info("sms %s already sent, skipped", dedup_key)
        return None
    deliver(session, provider, message)
    return message


def deliver(session: Session, provider: SmsProvider, message: SmsMessage) -> str | None:
    """Hand one outbox row to the provider (first send or a re-send) and record what it said.

    Returns the per-mobile window that held it back (nothing was sent), or None when sent."""
    message.provider = provider.name
    limits = getattr(provider, "mobile_limits", None)
    window = limits.exceeded(session, message.phone) if limits is not None else None
    if window is not None:
        # The provider would refuse it (its per-number limit): keep it for a later attempt instead.
        message.status, message.error_code = "retry", f"local_limit_{window}"
        log.info("sms %s to %s held: per-mobile limit (%s)", message.template_code, mask_phone(message.phone), window)
        return str(window)
    result = provider.send(
        phone=message.phone, template_code=message.template_code, params=dict(message.params), text=message.text
    )
    message.attempts = (message.attempts or 0) + 1
    message.status = result.status
    message.provider_message_id = result.provider_message_id
    message.error_code = result.error_code
    level = logging.ERROR if result.status == "alert" else logging.INFO
    log.log(
        level,
        "sms %s to %s via %s: %s %s",
        message.template_code,
        mask_phone(message.phone),
        provider.name,
        result.status,
        result.error_code or "",
    )
    return None


def outbox(session: Session, *, phone: str | None = None, limit: int = 100) -> list[SmsMessage]:
    stmt = select(SmsMessage).order_by(SmsMessage.id.desc()).limit(limit)
    if phone:
        stmt = stmt.where(SmsMessage.phone == phone)
    return list(session.scalars(stmt))
