"""Pending replies (api/channels/pending.py): one row per message, one answer per row, taken over after the lease."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from api.channels.enums import OutboundStatus
from api.channels.models import OutboundMessage
from api.channels.pending import (
    GAVE_UP,
    MAX_ANSWER_ATTEMPTS,
    UNREADABLE,
    Pending,
    add_pending,
    claim_due,
    complete,
)
from api.channels.sealing import PREFIX, QuestionSeal
from api.db import make_sessionmaker, utcnow
from api.privacy import mask_text
from api.settings import DEV_SECRET

LEASE = timedelta(seconds=60)
SEAL = QuestionSeal(DEV_SECRET)
ID_NUMBER, PHONE, CODE = "110105199003070025", "13800001234", "482913"


def write(
    engine: Engine,
    *,
    key: str | None = None,
    sender: str | None = None,
    question: str = "失业金怎么申领",
    seal: QuestionSeal = SEAL,
) -> Pending:
    with make_sessionmaker(engine)() as session:
        pending = add_pending(
            session,
            sender=sender or f"wx:oPend{uuid.uuid4().hex[:20]}",
            question=question,
            dedup_key=key or f"late:wx:msg:{uuid.uuid4().int % 10**17}",
            lease=LEASE,
            seal=seal,
        )
        session.commit()
    assert pending is not None
    return pending


def claim(engine: Engine, *, after: timedelta, limit: int = 500) -> list[Pending]:
    with make_sessionmaker(engine)() as session:
        taken = claim_due(session, lease=LEASE, seal=SEAL, limit=limit, now=utcnow() + after)
        session.commit()
    return taken


def raw_text(engine: Engine, pending: Pending) -> str:
    """The column as the database holds it, read with plain SQL (no ORM, no decoding)."""
    with engine.connect() as conn:
        value = conn.execute(text("SELECT text FROM outbound_messages WHERE id = :id"), {"id": pending.id}).scalar_one()
    return str(value)


def stored(engine: Engine, pending: Pending) -> OutboundMessage:
    with Session(engine) as session:
        found = session.get(OutboundMessage, pending.id)
        assert found is not None
        return found


def test_one_row_per_key_held_by_its_writer_until_the_lease_ends(engine: Engine) -> None:
    pending = write(engine)
    with make_sessionmaker(engine)() as session:
        key = pending.dedup_key
        again = add_pending(session, sender=pending.sender, question="再问一次", dedup_key=key, lease=LEASE, seal=SEAL)
    assert again is None
    assert (pending.generation, pending.question) == (0, "失业金怎么申领")
    row = stored(engine, pending)
    assert row.status == OutboundStatus.answering and row.text.startswith(PREFIX)
    assert pending.id not in {p.id for p in claim(engine, after=timedelta(seconds=30))}  # still its writer's


def test_a_takeover_answers_and_the_late_writer_cannot_answer_again(engine: Engine) -> None:
    pending = write(engine)
    taken = [p for p in claim(engine, after=LEASE + timedelta(seconds=1)) if p.id == pending.id]
    assert [p.generation for p in taken] == [1]
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        assert complete(session, taken[0], text="答复") is True
        session.commit()
    with sessions() as session:  # the process that wrote it comes back with its own (late) answer
        assert complete(session, pending, text="另一个答复") is False
        session.commit()
    row = stored(engine, pending)
    assert (row.status, row.text, row.attempts, row.next_attempt_at) == (OutboundStatus.queued, "答复", 0, None)


def test_the_writer_answers_when_nobody_took_over(engine: Engine) -> None:
    pending = write(engine, sender=f"sms:p{uuid.uuid4().hex[:24]}")
    with make_sessionmaker(engine)() as session:
        assert complete(session, pending, text="答复", sms_template="REPLY_POINTER", sms_params={"summary": "答复"})
        session.commit()
    row = stored(engine, pending)
    assert (row.status, row.channel, row.sms_template) == (OutboundStatus.queued, "sms", "REPLY_POINTER")
    assert pending.id not in {p.id for p in claim(engine, after=2 * LEASE)}  # answered rows are not pending


def test_an_empty_answer_is_recorded_as_nothing_to_send(engine: Engine) -> None:
    pending = write(engine)
    with make_sessionmaker(engine)() as session:
        assert complete(session, pending, text="  ") is False
        session.commit()
    assert stored(engine, pending).status == OutboundStatus.undeliverable


def test_a_question_the_engine_keeps_failing_on_is_given_up_and_not_kept(engine: Engine) -> None:
    pending = write(engine)
    for attempt in range(1, MAX_ANSWER_ATTEMPTS + 1):
        taken = [p for p in claim(engine, after=attempt * (LEASE + timedelta(seconds=1))) if p.id == pending.id]
        assert [p.generation for p in taken] == [attempt]
    assert pending.id not in {p.id for p in claim(engine, after=(MAX_ANSWER_ATTEMPTS + 1) * 2 * LEASE)}
    row = stored(engine, pending)
    assert (row.status, row.reason, row.text) == (OutboundStatus.failed, GAVE_UP, "")


def test_concurrent_sweeps_take_each_row_once(engine: Engine) -> None:
    mine = {write(engine).id for _ in range(12)}
    barrier = threading.Barrier(3)
    results: list[list[int]] = []
    lock = threading.Lock()

    def sweep() -> None:
        barrier.wait()
        taken = [p.id for p in claim(engine, after=LEASE + timedelta(seconds=1), limit=4)]
        with lock:
            results.append(taken)

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    ours = [i for taken in results for i in taken if i in mine]
    assert len(ours) == len(set(ours))  # no row taken twice


def test_the_stored_question_holds_no_personal_data_and_the_takeover_reads_it_as_typed(engine: Engine) -> None:
    question = f"我的身份证{ID_NUMBER}，手机{PHONE}，验证码{CODE}，失业金到账了吗"
    pending = write(engine, question=question)
    raw = raw_text(engine, pending)
    assert raw.startswith(PREFIX) and "失业金" not in raw
    for secret in (ID_NUMBER, PHONE, CODE, ID_NUMBER[-4:] + "，"):
        assert secret not in raw
    assert mask_text(raw) == raw  # nothing the log masker would take for an ID number or a mobile
    taken = [p for p in claim(engine, after=LEASE + timedelta(seconds=1)) if p.id == pending.id]
    assert [p.question for p in taken] == [question]  # the answerer gets the original text
    with make_sessionmaker(engine)() as session:
        assert complete(session, taken[0], text="已到账") is True
        session.commit()
    assert raw_text(engine, pending) == "已到账"  # answered: the row holds the answer only


def test_a_question_sealed_under_another_key_is_given_up_not_sent_to_the_engine(engine: Engine) -> None:
    pending = write(engine, seal=QuestionSeal("another-secret-key-of-another-deployment"))
    assert pending.id not in {p.id for p in claim(engine, after=LEASE + timedelta(seconds=1))}
    row = stored(engine, pending)
    assert (row.status, row.reason, row.text) == (OutboundStatus.failed, UNREADABLE, "")


def test_a_row_written_before_questions_were_sealed_is_still_answered(engine: Engine) -> None:
    pending = write(engine)
    with Session(engine) as session:  # as an earlier version stored it: in clear
        clear = {"t": "补发怎么办", "id": pending.id}
        session.execute(text("UPDATE outbound_messages SET text = :t WHERE id = :id"), clear)
        session.commit()
    taken = [p for p in claim(engine, after=LEASE + timedelta(seconds=1)) if p.id == pending.id]
    assert [p.question for p in taken] == ["补发怎么办"]
