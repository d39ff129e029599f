"""Sending SMS through a provider, exactly once per purpose (dedup_key).

Secret variables (a one-time code) never reach the database: the outbox row keeps
them redacted ("******" in `params` and in `text`), and the provider is handed the
real values in memory. Today the provider is called in the same request that writes
the row, so nothing more is needed. A durable outbox sent later by a worker would
keep the secret beside the row only until it is sent, somewhere that forgets it on
its own: Redis with the code's own TTL (key "sms-secret:<dedup_key>", deleted once
the provider accepted it), never a column; a worker that finds it gone (expired)
marks the row undeliverable rather than sending a dead code.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable
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


REDACTED = "******"


class DevHandset:
    """What the development provider "delivered", in process memory (bounded), by dedup_key.

    Stands in for the claimant's phone so that the web demo can show the code it would have
    received (GET /v1/identity/dev/last-code, refused in production), without the code being
    stored in the database.
    """

    def __init__(self, max_messages: int = 1000) -> None:
        self._max = max_messages
        self._params: OrderedDict[str, dict[str, str]] = OrderedDict()

    def deliver(self, key: str, params: dict[str, str]) -> None:
        self._params[key] = dict(params)
        while len(self._params) > self._max:
            self._params.popitem(last=False)

    def received(self, key: str) -> dict[str, str] | None:
        return self._params.get(key)


class OutboxProvider:
    """Development provider: sends nothing; the outbox row is the record of what would go out."""

    name = "outbox"

    def __init__(self) -> None:
        self.handset = DevHandset()

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
    secret_params: Iterable[str] = (),
) -> SmsMessage | None:
    """Send one templated SMS; returns None when this dedup_key was already sent.

    `secret_params` name the variables (a code) that are redacted in the stored row.
    """
    template = get_template(template_code)
    text = template.render(params)
    secret = set(secret_params)
    stored = {k: (REDACTED if k in secret else v) for k, v in params.items()}
    message = SmsMessage(
        phone=phone,
        template_code=template_code,
        params=stored,
        text=template.render(stored) if secret else text,
        dedup_key=dedup_key,
    )
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:
        log.info("sms %s already sent, skipped", dedup_key)
        return None
    result = provider.send(phone=phone, template_code=template_code, params=params, text=text)
    handset = getattr(provider, "handset", None)
    if isinstance(handset, DevHandset):
        handset.deliver(dedup_key, params)
    message.status = result.status
    message.provider_message_id = result.provider_message_id
    log.info("sms %s to %s via %s: %s", template_code, mask_phone(phone), provider.name, result.status)
    return message


def outbox(session: Session, *, phone: str | None = None, limit: int = 100) -> list[SmsMessage]:
    stmt = select(SmsMessage).order_by(SmsMessage.id.desc()).limit(limit)
    if phone:
        stmt = stmt.where(SmsMessage.phone == phone)
    return list(session.scalars(stmt))
