"""Re-sending outbox rows a provider asked us to retry (throttled, busy, a network error).

Each row waits longer after each attempt (base × 2^(attempts-1), at most six hours); after
`max_attempts` hand-overs to the provider it is given up (status failed, its last error
code kept). A row held back by the per-mobile limits was not sent: it waits for the window
that held it and keeps its attempt count.

The sweep commits row by row, so a crash loses at most the row in hand; it is run by one
worker at a time (api.reminders.locks), and each row is read FOR UPDATE SKIP LOCKED so an
overlapping sweep could not take it either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from api.notify.models import SmsMessage
from api.notify.sms import SmsProvider, deliver

MAX_DELAY = timedelta(hours=6)
# How long a row held by a per-mobile window waits before the next look.
WINDOW_WAIT = {"30s": timedelta(seconds=30), "hour": timedelta(minutes=10), "day": timedelta(hours=2)}


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: int

    def delay(self, attempts: int) -> timedelta:
        """Wait after the `attempts`-th hand-over before the next one."""
        seconds = self.base_seconds * 2 ** max(attempts - 1, 0)
        return min(timedelta(seconds=seconds), MAX_DELAY)


@dataclass
class ResendReport:
    sent: int = 0
    retry: int = 0
    gave_up: int = 0
    held: int = 0
    other: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"sent": self.sent, "retry": self.retry, "gave_up": self.gave_up, "held": self.held, **self.other}


def _next_due(session: Session, *, now: datetime, after_id: int) -> SmsMessage | None:
    stmt = (
        select(SmsMessage)
        .where(
            SmsMessage.status == "retry",
            SmsMessage.id > after_id,
            or_(SmsMessage.next_attempt_at.is_(None), SmsMessage.next_attempt_at <= now),
        )
        .order_by(SmsMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return session.scalar(stmt)


def resend_due(
    factory: sessionmaker[Session],
    provider: SmsProvider,
    *,
    policy: RetryPolicy,
    now: datetime,
    limit: int = 500,
) -> ResendReport:
    """Send again every retry row that is due (at most `limit` per run)."""
    report = ResendReport()
    last_id = 0
    for _ in range(limit):
        with factory() as session, session.begin():
            message = _next_due(session, now=now, after_id=last_id)
            if message is None:
                break
            last_id = message.id
            if message.attempts >= policy.max_attempts:
                # Already tried enough (e.g. the limit was lowered): give up without sending.
                message.status, message.next_attempt_at = "failed", None
                report.gave_up += 1
                continue
            window = deliver(session, provider, message)
            if window is not None:
                message.next_attempt_at = now + WINDOW_WAIT[window]
                report.held += 1
            elif message.status == "retry" and message.attempts >= policy.max_attempts:
                message.status, message.next_attempt_at = "failed", None
                report.gave_up += 1
            elif message.status == "retry":
                message.next_attempt_at = now + policy.delay(message.attempts)
                report.retry += 1
            elif message.status == "sent":
                message.next_attempt_at = None
                report.sent += 1
            else:  # failed / alert / recorded: what the provider said is final
                message.next_attempt_at = None
                report.other[message.status] = report.other.get(message.status, 0) + 1
    return report
