"""The worker's scheduled jobs on both databases: SMS re-sending with backoff, purges, ticket clocks;
and each job done once when two workers run it at the same moment."""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from api.channels.models import InboundMessage
from api.db import make_sessionmaker, utcnow
from api.identity.models import IdentityChallenge, SenderBinding
from api.notify.models import SmsMessage
from api.notify.providers import AliyunSmsProvider
from api.notify.retry import RetryPolicy
from api.notify.sms import SendResult, send_sms
from api.reminders import scheduled
from api.tickets.models import TicketEvent
from tests.api.tickets.helpers import NOW, new_ticket
from tests.fakes.sms_standins import running

POLICY = RetryPolicy(max_attempts=3, base_seconds=60)


class Scripted:
    """A provider that answers from a script per mobile (then "sent"), and records every call."""

    name = "scripted"

    def __init__(self, script: dict[str, list[str]] | None = None, delay: float = 0.0) -> None:
        self.script = script or {}
        self.calls: list[str] = []
        self.delay = delay
        self._lock = threading.Lock()

    def send(self, *, phone: str, template_code: str, params: dict[str, str], text: str) -> SendResult:
        time.sleep(self.delay)
        with self._lock:
            self.calls.append(phone)
            answers = self.script.get(phone, [])
            status = answers.pop(0) if answers else "sent"
        return SendResult(status=status, error_code="throttled" if status == "retry" else None)


def _phone() -> str:
    return "137" + f"{secrets.randbelow(10**8):08d}"


def _queue(engine: Engine, provider: Any, phone: str) -> int:
    with make_sessionmaker(engine)() as session, session.begin():
        message = send_sms(
            session, provider, phone=phone, template_code="OTP", params={"code": "123456"}, dedup_key=f"t:{phone}"
        )
        assert message is not None
        return message.id


def _row(engine: Engine, message_id: int) -> SmsMessage:
    with make_sessionmaker(engine)() as session:
        row = session.get(SmsMessage, message_id)
        assert row is not None
        return row


def test_backoff_doubles_and_is_capped() -> None:
    assert [POLICY.delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert POLICY.delay(30) == timedelta(hours=6)


def test_retry_rows_are_resent_with_backoff_then_given_up(engine: Engine) -> None:
    phone = _phone()
    provider = Scripted({phone: ["retry", "retry", "retry", "retry"]})
    message_id = _queue(engine, provider, phone)
    first = _row(engine, message_id)
    assert (first.status, first.attempts, first.next_attempt_at) == ("retry", 1, None)

    now = utcnow()
    scheduled.sms_resend(engine, provider, now=now, policy=POLICY)  # due at once: attempt 2
    second = _row(engine, message_id)
    assert (second.status, second.attempts) == ("retry", 2)
    assert second.next_attempt_at == now + timedelta(seconds=120)

    scheduled.sms_resend(engine, provider, now=now + timedelta(seconds=119), policy=POLICY)  # not yet due
    assert _row(engine, message_id).attempts == 2
    report = scheduled.sms_resend(engine, provider, now=now + timedelta(seconds=120), policy=POLICY)
    last = _row(engine, message_id)
    # The third hand-over was also throttled: three attempts, given up with the provider's code kept.
    assert (last.status, last.attempts, last.error_code, last.next_attempt_at) == ("failed", 3, "throttled", None)
    assert report["skipped"] is False and isinstance(report["gave_up"], int) and report["gave_up"] >= 1
    scheduled.sms_resend(engine, provider, now=now + timedelta(days=1), policy=POLICY)
    assert provider.calls.count(phone) == 3


def test_a_throttled_aliyun_message_goes_out_on_the_resend(engine: Engine) -> None:
    phone = _phone()
    with running("aliyun") as standin:
        provider = AliyunSmsProvider(
            access_key_id="LTAI5tStandInKeyId",
            access_key_secret="stand-in-secret",
            sign_name="失业保险服务",
            template_ids={"OTP": "SMS_465390001"},
            endpoint=standin.endpoint,
            protocol="http",
        )
        standin.outcome = "throttled"
        message_id = _queue(engine, provider, phone)
        assert _row(engine, message_id).status == "retry"
        standin.outcome = "ok"
        scheduled.sms_resend(engine, provider, now=utcnow(), policy=POLICY)
    row = _row(engine, message_id)
    assert (row.status, row.attempts, row.provider_message_id) == ("sent", 2, "900619746936498440^0")
    assert len(standin.received) == 2


def _at_once(jobs: list[Callable[[], dict[str, object]]]) -> list[dict[str, object]]:
    barrier = threading.Barrier(len(jobs))
    results: list[dict[str, object]] = []
    errors: list[Exception] = []

    def run(job: Callable[[], dict[str, object]]) -> None:
        try:
            barrier.wait()
            results.append(job())
        except Exception as exc:  # noqa: BLE001 - re-raised by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def test_two_workers_resending_at_once_send_each_row_once(engine: Engine) -> None:
    phones = [_phone() for _ in range(4)]
    queued = Scripted({p: ["retry"] for p in phones})
    ids = [_queue(engine, queued, p) for p in phones]
    slow = Scripted(delay=0.15)  # both sweeps overlap for the whole run
    results = _at_once([lambda: scheduled.sms_resend(engine, slow, now=utcnow(), policy=POLICY)] * 2)
    assert sorted(bool(r["skipped"]) for r in results) == [False, True]
    assert sorted(p for p in slow.calls if p in phones) == sorted(phones)
    assert {_row(engine, i).status for i in ids} == {"sent"}


def test_two_workers_marking_overdue_at_once_mark_each_ticket_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory = make_sessionmaker(engine)
    with factory() as session, session.begin():
        ids = [new_ticket(session, summary=f"超期并发 {uuid.uuid4().hex[:8]}").id for _ in range(3)]
    real = scheduled.mark_overdue

    def slow_mark(session: Session, *, now: Any) -> int:
        marked = real(session, now=now)
        time.sleep(0.5)  # still inside the transaction: the other worker starts meanwhile
        return marked

    monkeypatch.setattr(scheduled, "mark_overdue", slow_mark)
    later = NOW + timedelta(hours=3)
    results = _at_once([lambda: scheduled.tickets_overdue(engine, now=later)] * 2)
    assert sorted(bool(r["skipped"]) for r in results) == [False, True]
    with factory() as session:
        counts = session.execute(
            select(TicketEvent.ticket_id, func.count())
            .where(TicketEvent.ticket_id.in_(ids), TicketEvent.action == "mark_overdue")
            .group_by(TicketEvent.ticket_id)
        ).all()
    assert sorted(counts) == [(i, 1) for i in sorted(ids)]
    # And run again afterwards: nothing new.
    again = scheduled.tickets_overdue(engine, now=later)
    assert again["skipped"] is False and again["marked"] == 0


def test_ticket_reminders_job(engine: Engine) -> None:
    from api.tickets.limits import load_limits

    factory = make_sessionmaker(engine)
    with factory() as session, session.begin():
        ticket = new_ticket(session, summary=f"催办 {uuid.uuid4().hex[:8]}")
        ticket_id, due = ticket.id, ticket.due_at
    assert due is not None
    for _ in range(2):
        scheduled.tickets_remind(engine, now=due - timedelta(minutes=10), limits=load_limits())
    with factory() as session:
        actions = session.scalars(select(TicketEvent.action).where(TicketEvent.ticket_id == ticket_id)).all()
    assert list(actions).count("remind") == 1


def test_purge_deletes_only_what_expired(engine: Engine) -> None:
    now = utcnow()
    tag = uuid.uuid4().hex[:10]
    factory = make_sessionmaker(engine)
    with factory() as session, session.begin():
        for name, until in (("old", now - timedelta(minutes=1)), ("live", now + timedelta(days=1))):
            session.add(SenderBinding(sender=f"sms:{tag}{name}", claim_id=1, method="sms", verified_until=until))
            session.add(InboundMessage(key=f"{tag}{name}", state="done", expires_at=until))
        for name, expired in (("old", now - timedelta(days=2)), ("recent", now - timedelta(hours=2))):
            session.add(
                IdentityChallenge(
                    id=f"{tag}{name}",
                    sender=f"sms:{tag}",
                    claim_id=1,
                    phone_masked="137****0000",
                    code_hash="0" * 64,
                    expires_at=expired,
                )
            )
    report = scheduled.purge_expired(engine, now=now)
    assert report["skipped"] is False
    with factory() as session:
        bindings = session.scalars(select(SenderBinding.sender).where(SenderBinding.sender.like(f"sms:{tag}%"))).all()
        inbound = session.scalars(select(InboundMessage.key).where(InboundMessage.key.like(f"{tag}%"))).all()
        challenges = session.scalars(select(IdentityChallenge.id).where(IdentityChallenge.id.like(f"{tag}%"))).all()
    assert list(bindings) == [f"sms:{tag}live"] and list(inbound) == [f"{tag}live"]
    # An expired challenge is kept a day (the hourly send limits count it).
    assert list(challenges) == [f"{tag}recent"]
