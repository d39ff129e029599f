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
    status: str
    provider_message_id: str | None = None


class SmsProvider(Protocol):
    name: str

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
    message = SmsMessage(
        phone=phone, template_code=template_code, params=params, text=text, dedup_key=dedup_key
    )
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:
        log.info("sms %s already sent, skipped", dedup_key)
        return None
    result = provider.send(phone=phone, template_code=template_code, params=params, text=text)
    message.status = result.status
    message.provider_message_id = result.provider_message_id
    log.info("sms %s to %s via %s: %s", template_code, mask_phone(phone), provider.name, result.status)
    return message


def outbox(session: Session, *, phone: str | None = None, limit: int = 100) -> list[SmsMessage]:
    stmt = select(SmsMessage).order_by(SmsMessage.id.desc()).limit(limit)
    if phone:
        stmt = stmt.where(SmsMessage.phone == phone)
    return list(session.scalars(stmt))
