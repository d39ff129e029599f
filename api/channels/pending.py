"""Pending replies: a message acknowledged before its answer exists is an outbound row until answered.

WeChat gets "success" when the dialogue engine misses the passive window, and an SMS push is
acknowledged at once. Before that acknowledgement goes back, the question is written as the
outbound row its answer will be sent as (status `answering`, the text is the question, the
dedup key the answer's: "late:<MsgId key>", "reply:<SMS key>"). The question is sealed
(api/channels/sealing.py): the row holds no ID number, mobile or code in clear. The answer replaces
the text and the row becomes `queued`; from there the OutboundDispatcher delivers it, with its retries.

Who answers: the row carries a lease (next_attempt_at) and a generation (attempts). The process
that wrote it owns generation 0 until the lease ends. After that, the sweep of any API process
may claim it (attempts + 1, a new lease), so the answer of a process killed between
acknowledgement and reply is produced after all. Only the holder of the current generation can
turn the row into a message: one row per dedup key, one answer per row. The dialogue engine
may see a message twice (the process died during the turn): at least once towards the engine,
exactly once towards the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.channels.enums import OutboundStatus
from api.channels.models import OutboundMessage
from api.channels.outbound import channel_of
from api.channels.sealing import QuestionSeal, Unreadable
from api.db import utcnow

# A question the engine failed on this often (each a lease apart) is given up.
MAX_ANSWER_ATTEMPTS = 3
GAVE_UP = f"对话引擎 {MAX_ANSWER_ATTEMPTS} 次未能作答，未回复"
NO_ANSWER = "对话引擎没有回复内容"
UNREADABLE = "待答问题无法解密（SECRET_KEY 已更换？），未回复"


@dataclass(frozen=True)
class Pending:
    """A claimed pending reply: what to answer and the generation allowed to answer it."""

    id: int
    sender: str
    channel: str
    question: str
    dedup_key: str
    generation: int


def _pending(row: OutboundMessage, question: str) -> Pending:
    return Pending(
        id=row.id,
        sender=row.sender,
        channel=row.channel,
        question=question,
        dedup_key=row.dedup_key or "",
        generation=row.attempts,
    )


def add_pending(
    session: Session, *, sender: str, question: str, dedup_key: str, lease: timedelta, seal: QuestionSeal
) -> Pending | None:
    """Write the pending reply (its question sealed) in the caller's transaction; None when the
    key has its row already."""
    kind, _ = channel_of(sender)
    if session.scalar(select(OutboundMessage.id).where(OutboundMessage.dedup_key == dedup_key)) is not None:
        return None
    now = utcnow()
    row = OutboundMessage(
        sender=sender,
        channel=kind.value,
        text=seal.seal(question, sender=sender, dedup_key=dedup_key),
        status=OutboundStatus.answering,
        attempts=0,
        next_attempt_at=now + lease,
        dedup_key=dedup_key,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # written by a concurrent delivery of the same message
        return None
    return _pending(row, question)


def claim_due(
    session: Session, *, lease: timedelta, seal: QuestionSeal, limit: int = 10, now: datetime | None = None
) -> list[Pending]:
    """Take over pending replies whose lease ended (their process died or gave up); caller commits.

    On PostgreSQL the candidates are locked with SKIP LOCKED, so concurrent sweeps take disjoint
    rows without waiting. SQLite has no row locks (the clause is left out): there the whole
    transaction holds the database's write lock (api.db begins IMMEDIATE), and the conditional
    UPDATE would refuse a row another sweep took anyway.
    """
    now = now or utcnow()
    due = (OutboundMessage.status == OutboundStatus.answering) & (OutboundMessage.next_attempt_at <= now)
    session.execute(
        update(OutboundMessage)
        .where(due, OutboundMessage.attempts >= MAX_ANSWER_ATTEMPTS)
        .values(status=OutboundStatus.failed, reason=GAVE_UP, text="")  # the question is not kept
    )
    ids = session.scalars(
        select(OutboundMessage.id)
        .where(due)
        .order_by(OutboundMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    taken: list[int] = []
    for row_id in ids:
        claimed = session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id == row_id, due)
            .values(attempts=OutboundMessage.attempts + 1, next_attempt_at=now + lease)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            taken.append(row_id)
    if not taken:
        return []
    rows = session.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(taken)).order_by(OutboundMessage.id))
    answerable: list[Pending] = []
    for row in rows:
        try:
            question = seal.open(row.text, sender=row.sender, dedup_key=row.dedup_key or "")
        except Unreadable:  # asking again would not help: nobody can read it any more
            row.status, row.reason, row.text = OutboundStatus.failed, UNREADABLE, ""
            continue
        answerable.append(_pending(row, question))
    return answerable


def complete(
    session: Session,
    pending: Pending,
    *,
    text: str,
    sms_template: str | None = None,
    sms_params: dict[str, Any] | None = None,
) -> bool:
    """Turn the pending row into the message `text` (queued for delivery); False when this
    generation no longer holds it (taken over by another process, or already answered)."""
    values: dict[str, Any] = {"text": text.strip(), "reason": None, "next_attempt_at": None, "attempts": 0}
    if values["text"]:
        values.update(status=OutboundStatus.queued, sms_template=sms_template, sms_params=sms_params)
    else:
        values.update(status=OutboundStatus.undeliverable, reason=NO_ANSWER)
    done = session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.id == pending.id,
            OutboundMessage.status == OutboundStatus.answering,
            OutboundMessage.attempts == pending.generation,
        )
        .values(**values)
    )
    return bool(done.rowcount == 1 and values["text"])  # type: ignore[attr-defined]
