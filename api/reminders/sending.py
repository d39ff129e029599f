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
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from api.db import utcnow
from api.notify import SmsProvider, get_template
from api.notify.models import SmsMessage

QUEUED = "queued"
OUTBOX = cast(Table, SmsMessage.__table__)
# Keys per IN (...) list: far below SQLite's and PostgreSQL's bound-parameter limits.
ROWS_PER_STATEMENT = 1000


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
    connection = session.connection()
    already = _existing(connection, [m.dedup_key for m in messages])
    fresh = [(m, r) for m, r in zip(messages, rows, strict=True) if m.dedup_key not in already]
    claimed: dict[str, int] = {}
    if fresh:
        claimed = _insert(connection, [r for _, r in fresh])
    by_result: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for message, row in fresh:
        message_id = claimed.get(message.dedup_key)
        if message_id is None:
            continue  # sent by an earlier run
        sent = provider.send(
            phone=message.phone, template_code=message.template_code, params=message.params, text=str(row["text"])
        )
        by_result[(sent.status, sent.provider_message_id)].append(message_id)
    for (status, provider_id), ids in by_result.items():
        for i in range(0, len(ids), ROWS_PER_STATEMENT):
            connection.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id.in_(ids[i : i + ROWS_PER_STATEMENT]))
                .values(status=status, provider_message_id=provider_id)
            )
    return len(claimed)


def _insert(connection: Connection, rows: list[dict[str, Any]]) -> dict[str, int]:
    """INSERT … ON CONFLICT (dedup_key) DO NOTHING RETURNING id, dedup_key for many rows."""
    if connection.dialect.name == "postgresql":
        # psycopg's executemany pipelines one short prepared statement: several times faster
        # than one huge multi-row statement, which psycopg re-parses on every batch.
        from psycopg.types.json import Json

        names = list(rows[0])
        sql = (
            f"INSERT INTO sms_outbox ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))}) "
            "ON CONFLICT (dedup_key) DO NOTHING RETURNING id, dedup_key"
        )
        values = [tuple(Json(r[n]) if n == "params" else r[n] for n in names) for r in rows]
        claimed: dict[str, int] = {}
        with connection.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
            cursor.executemany(sql, values, returning=True)
            while True:
                claimed.update({key: message_id for message_id, key in cursor.fetchall()})
                if not cursor.nextset():
                    break
        return claimed
    stmt = (
        sqlite.insert(OUTBOX)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(OUTBOX.c.id, OUTBOX.c.dedup_key)
    )
    return {key: message_id for message_id, key in connection.execute(stmt, rows)}


def _existing(connection: Connection, keys: list[str]) -> set[str]:
    """Keys already in the outbox (sent by an earlier run): one indexed look-up per chunk."""
    column = OUTBOX.c.dedup_key
    found: set[str] = set()
    for i in range(0, len(keys), ROWS_PER_STATEMENT):
        found.update(connection.scalars(select(column).where(column.in_(keys[i : i + ROWS_PER_STATEMENT]))))
    return found
