"""Sending SMS through a provider, exactly once per purpose (dedup_key).

Secret variables (a one-time code) never reach the database: the outbox row keeps
them redacted ("******" in `params` and in `text`), and the provider is handed the
real values in memory. The first send happens in the request that writes the row; the
worker's re-send (api/notify/retry.py) has only the row, so a row whose secret was
redacted is never re-sent: it is marked failed ("secret_not_kept"): a one-time code
that could not go out at once is dead anyway, and the claimant asks for a new one.
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
    deliver(session, provider, message, params=params, text=text)
    handset = getattr(provider, "handset", None)
    if isinstance(handset, DevHandset):
        handset.deliver(dedup_key, params)
    return message


def deliver(
    session: Session,
    provider: SmsProvider,
    message: SmsMessage,
    *,
    params: dict[str, str] | None = None,
    text: str | None = None,
) -> str | None:
    """Hand one outbox row to the provider (first send or a re-send) and record what it said.

    `params`/`text` are the real values on the first send (the row may hold them redacted).
    Returns the per-mobile window that held it back (nothing was sent), or None."""
    message.provider = provider.name
    if params is None and REDACTED in dict(message.params).values():
        message.status, message.error_code = "failed", "secret_not_kept"
        return None
    limits = getattr(provider, "mobile_limits", None)
    window = limits.exceeded(session, message.phone) if limits is not None else None
    if window is not None:
        # The provider would refuse it (its per-number limit): keep it for a later attempt instead.
        message.status, message.error_code = "retry", f"local_limit_{window}"
        log.info("sms %s to %s held: per-mobile limit (%s)", message.template_code, mask_phone(message.phone), window)
        return str(window)
    result = provider.send(
        phone=message.phone,
        template_code=message.template_code,
        params=params if params is not None else dict(message.params),
        text=text if text is not None else message.text,
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
