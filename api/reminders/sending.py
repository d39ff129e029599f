"""Sending many templated SMS at once, each exactly once (the outbox's unique dedup_key decides).

``api.notify.send_sms`` sends one message per SAVEPOINT; a monthly run sends up to
one per claim, so this module claims a whole batch of dedup keys in one
``INSERT … ON CONFLICT (dedup_key) DO NOTHING RETURNING`` (PostgreSQL and SQLite alike),
then hands only the newly claimed messages to the provider. Same templates, same
table, same provider interface, same once-only guarantee: a message whose key is
already in the outbox is never sent again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.db import utcnow
from api.notify import SmsProvider, get_template
from api.notify.models import SmsMessage

QUEUED = "queued"


@dataclass(frozen=True)
class Outgoing:
    phone: str
    template_code: str
    params: dict[str, str]
    dedup_key: str


def send_batch(session: Session, provider: SmsProvider, messages: list[Outgoing]) -> int:
    """Record and send each message whose dedup_key is new; returns how many went out."""
    if not messages:
        return 0
    now = utcnow()
    rows = [
        {
            "created_at": now,
            "phone": m.phone,
            "template_code": m.template_code,
            "params": m.params,
            "text": get_template(m.template_code).render(m.params),
            "dedup_key": m.dedup_key,
            "status": QUEUED,
        }
        for m in messages
    ]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(SmsMessage)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(SmsMessage.id, SmsMessage.dedup_key)
    )
    claimed = {key: message_id for message_id, key in session.execute(stmt)}
    by_result: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for message, row in zip(messages, rows, strict=True):
        message_id = claimed.get(message.dedup_key)
        if message_id is None:
            continue  # sent by an earlier run
        result = provider.send(
            phone=message.phone, template_code=message.template_code, params=message.params, text=str(row["text"])
        )
        by_result[(result.status, result.provider_message_id)].append(message_id)
    for (status, provider_id), ids in by_result.items():
        session.execute(
            update(SmsMessage)
            .where(SmsMessage.id.in_(ids))
            .values(status=status, provider_message_id=provider_id)
            .execution_options(synchronize_session=False)
        )
    return len(claimed)
