"""The worker's scheduled jobs (bodies; api.reminders.worker schedules them with arq cron).

Each runs under its job lock (api.reminders.locks) and is safe to run again at once: the
ticket jobs remember which stage they marked or reminded, the SMS sweep changes each
row's status as it goes, and a purge deletes only what has expired. A run that finds the
lock taken does nothing and says so (``skipped``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from api.channels.models import InboundMessage
from api.channels.web import history as chat_history
from api.db import make_sessionmaker
from api.identity.models import IdentityChallenge, SenderBinding
from api.notify.retry import RetryPolicy, resend_due
from api.notify.sms import SmsProvider
from api.reminders.locks import exclusive
from api.tickets.limits import TicketLimits
from api.tickets.scheduled import mark_overdue, send_reminders

# Challenges are kept a day past their expiry: the hourly send limits count them.
CHALLENGE_KEEP = timedelta(days=1)


def _locked(engine: Engine, name: str, body: Callable[[], dict[str, object]]) -> dict[str, object]:
    with exclusive(engine, name) as held:
        if not held:
            return {"job": name, "skipped": True}
        return {"job": name, "skipped": False, **body()}


def _in_transaction(engine: Engine, work: Callable[[Session], dict[str, object]]) -> dict[str, object]:
    with make_sessionmaker(engine)() as session, session.begin():
        return work(session)


def tickets_overdue(engine: Engine, *, now: datetime) -> dict[str, object]:
    return _locked(
        engine, "tickets_overdue", lambda: _in_transaction(engine, lambda s: {"marked": mark_overdue(s, now=now)})
    )


def tickets_remind(engine: Engine, *, now: datetime, limits: TicketLimits) -> dict[str, object]:
    return _locked(
        engine,
        "tickets_remind",
        lambda: _in_transaction(engine, lambda s: {"reminded": send_reminders(s, now=now, limits=limits)}),
    )


def sms_resend(engine: Engine, provider: SmsProvider, *, now: datetime, policy: RetryPolicy) -> dict[str, object]:
    return _locked(
        engine,
        "sms_resend",
        lambda: resend_due(make_sessionmaker(engine), provider, policy=policy, now=now).as_dict(),
    )


def _purge(session: Session, now: datetime) -> dict[str, object]:
    def count(stmt: object) -> int:
        return int(session.execute(stmt).rowcount)  # type: ignore[call-overload]

    return {
        "bindings": count(delete(SenderBinding).where(SenderBinding.verified_until < now)),
        "challenges": count(delete(IdentityChallenge).where(IdentityChallenge.expires_at < now - CHALLENGE_KEEP)),
        "dedup": count(delete(InboundMessage).where(InboundMessage.expires_at < now)),
        "chat_history": chat_history.purge(session, now=now),
    }


def purge_expired(engine: Engine, *, now: datetime) -> dict[str, object]:
    return _locked(engine, "purge_expired", lambda: _in_transaction(engine, lambda s: _purge(s, now)))
